/**
 * JS agents in a shard (runtime/shard): the agent's engine is made when the shard loads it (asynchronous), then
 * instances are created synchronously in it, as the shard's InThreadAgent expects of any SyncInstance factory. A
 * poisoned engine (a host stack overflow or a trap inside QuickJS) is replaced in the background: the restart
 * that finds it poisoned fails with that reason, the next one runs on the new engine.
 */
import type { HostGrant } from '../../../schemas';
import type { AgentError } from '../../core/types';
import type { WasmModule } from '../wasmApi';
import type { JsCode, WorkerLimits } from '../workerProtocol';
import { createJsEngine, type JsEngine } from './quickJsEngine';
import { JsAgentInstance } from './jsAgentInstance';

/** What the factory needs of an agent's spec (runtime/shard/shardProtocol.ts AgentSpec). */
export interface JsAgentSpecLike {
  name: string;
  grants: HostGrant[];
  limits: WorkerLimits;
  seed: number;
}

/** One JS agent's engine in its shard, and the factory of its instances. */
export class JsEngineSlot {
  private making: Promise<void> | undefined;
  private ready: JsEngine | undefined;

  private constructor(
    private readonly wasm: WasmModule,
    private readonly capBytes: number,
    private engine: JsEngine,
  ) {}

  /** Make the agent's engine (its wasm memory capped at `capBytes`). */
  static async open(wasm: WasmModule, capBytes: number): Promise<JsEngineSlot> {
    return new JsEngineSlot(wasm, capBytes, await createJsEngine(wasm, capBytes));
  }

  /** A synchronous factory of instances of `code` in this agent's engine. */
  factory(spec: JsAgentSpecLike, code: JsCode): () => JsAgentInstance | AgentError {
    return () => {
      if (this.engine.poisoned) {
        if (!this.ready) {
          const reason = this.engine.poisoned;
          this.replace();
          return {
            kind: 'crashed',
            message: `the agent's QuickJS engine was discarded (${reason}); a new one is being made for the next restart`,
          };
        }
        this.engine = this.ready;
        this.ready = undefined;
      }
      return JsAgentInstance.create({
        name: spec.name,
        code: code.code,
        file: code.file,
        grants: spec.grants,
        limits: spec.limits,
        seed: spec.seed,
        engine: this.engine,
        timeoutMs: code.timeoutMs,
      });
    };
  }

  private replace(): void {
    this.making ??= createJsEngine(this.wasm, this.capBytes)
      .then(
        (e) => {
          this.ready = e;
        },
        () => undefined,
      )
      .finally(() => {
        this.making = undefined;
      });
  }
}
