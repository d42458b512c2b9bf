/**
 * The built-in coordination patterns: `runPattern(spec, ctx)` runs a scenario's `pattern:` block (contract net,
 * iterated contract net, English/Dutch/Vickrey auction, bargaining, blackboard) as a coordinator agent and resolves
 * with the outcome. Wasm agents take part through ordinary FIPA messages (cfp -> propose, ...).
 */
export { runPattern, PATTERN_KINDS, type PatternKind, type PatternSpec } from './registry';
export type { PatternOutcome, ProtocolEffect, ProtocolEvent, ProtocolMachine, Step, Instant } from './machine';
export { driveMachine, type DriveOptions } from './driver';
export { contractNetMachine, type Proposal, type ContractNetOptions } from './contractNet';
export { englishAuctionMachine } from './englishAuction';
export { dutchAuctionMachine } from './dutchAuction';
export { vickreyAuctionMachine, vickreyOutcome } from './vickreyAuction';
export { bargainingMachine, concession } from './bargaining';
export { Blackboard, writeEntry } from './blackboard';
export { blackboardAgent } from './blackboardAgent';
export { PatternSpecError } from './spec';
export { preparePattern, checkPatternExpectation, type PreparedPattern } from './scenarioPattern';
