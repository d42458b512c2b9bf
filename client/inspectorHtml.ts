/** The inspector page for the VS Code panel: schemas/protocol/inspectorPage with the view's stylesheet. Pure. */
import { inspectorPage, type InspectorPageOptions } from '../schemas/protocol/inspectorPage';
import { inspectorCss } from './webview/styles';

export { inspectorCsp, jsonForScriptBlock } from '../schemas/protocol/inspectorPage';
export { inspectorCss };

/** Build the page (the stylesheet defaults to the inspector's). */
export function inspectorHtml(o: Omit<InspectorPageOptions, 'css'> & { css?: string }): string {
  return inspectorPage({ ...o, css: o.css ?? inspectorCss });
}
