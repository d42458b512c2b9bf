// Rewrites schemas/load/compiledValidators.ts from the schemas (ajv standalone code; see schemas/load/validatorCode.ts).
// Usage: npm run schemas:compile (type-checks schemas/ first, then runs the generator from out/).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { validatorSource } = require('../out/schemas/load/validatorCode.js');
const target = new URL('../schemas/load/compiledValidators.ts', import.meta.url);
writeFileSync(target, validatorSource());
console.log(`wrote ${target.pathname}`);
