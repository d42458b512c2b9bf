/**
 * Code the host runs in every JS agent's context before the agent: it seals the host object, removes every way to
 * compile code from strings (eval, the Function constructors: the host loads the bundle itself), and makes time and
 * randomness deterministic like the wasm SDK's (Math.random is the agent's seeded random; Date.now() and
 * `new Date()` read the runtime clock, simulated in tests). QuickJS has no timers, require, process or fetch.
 */
import { HOST_GLOBAL } from './jsHostBridge';

/** The prelude's source (evaluated as a script, unmetered: it is ours). */
export const JS_PRELUDE = `(function (g) {
  'use strict';
  const host = Object.freeze(g.${HOST_GLOBAL});
  Object.defineProperty(g, '${HOST_GLOBAL}', { value: host, writable: false, enumerable: false, configurable: false });
  delete g.eval;
  const refuse = function Function() { throw new EvalError('code from strings (eval, new Function) is disabled in Caxton agents'); };
  for (const f of [function () {}, function* () {}, async function () {}, async function* () {}]) {
    const proto = Object.getPrototypeOf(f);
    const ctor = function () { return refuse(); };
    Object.defineProperty(ctor, 'prototype', { value: proto });
    Object.defineProperty(proto, 'constructor', { value: ctor, writable: false, configurable: false });
  }
  Object.defineProperty(g, 'Function', { value: Function.prototype.constructor, writable: false, configurable: false });
  Object.defineProperty(Math, 'random', { value: function random() { return host.random(); }, writable: false, configurable: false });
  const RealDate = Date;
  const CaxtonDate = function Date(...args) {
    if (!new.target) return new RealDate(host.now()).toString();
    return Reflect.construct(RealDate, args.length ? args : [host.now()], new.target);
  };
  Object.defineProperty(CaxtonDate, 'prototype', { value: RealDate.prototype });
  CaxtonDate.now = function now() { return host.now(); };
  CaxtonDate.UTC = RealDate.UTC;
  CaxtonDate.parse = RealDate.parse;
  Object.defineProperty(RealDate.prototype, 'constructor', { value: CaxtonDate, writable: false, configurable: false });
  Object.defineProperty(g, 'Date', { value: CaxtonDate, writable: false, configurable: false });
})(globalThis);
`;
