/** Why an agent could not be loaded: which file, what is wrong and how to fix it. */
export class AgentLoadError extends Error {
  constructor(
    /** The module (or manifest) at fault, as the user wrote it. */
    readonly file: string,
    /** What is wrong, e.g. "imports env.fd_write, which Caxton does not provide". */
    readonly problem: string,
    /** What to do about it. */
    readonly fix: string,
    /** The manifest that declared the agent, if known. */
    readonly manifestPath?: string,
  ) {
    super(`${file} ${problem}; ${fix}.${manifestPath ? ` Declared in ${manifestPath}` : ''}`);
    this.name = 'AgentLoadError';
  }
}
