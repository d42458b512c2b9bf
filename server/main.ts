/** The Caxton language server entry (bundled to dist/server.js): `node dist/server.js --stdio`. */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './handlers/startServer';

startServer(createConnection(ProposedFeatures.all));
