/** Caxton: Open Inspector — the live inspector of the current run (works in untrusted workspaces: it runs nothing). */
import type { Ctx } from '../ctx';

export const openInspector = (ctx: Ctx) => (): void => ctx.inspector.show();
