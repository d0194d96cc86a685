import type { DeviceProtocol, DeviceStatusDto, IngestedSample } from '@idm/contracts';

/**
 * The contract every protocol source (Modbus, OPC UA, later MQTT) fulfils, so ingestion, detection, the
 * historian, alarms and screens need no change per protocol. A driver opens one connection per enabled
 * device; the sources service restarts it when the device or its tags change.
 */

/** What a connection hands to its replacement: an outstanding comm failure (so its end is reported) and last good values. */
export interface SourceCarryOver {
  commFailedSince: number | null;
  last: ReadonlyMap<string, number>;
}

/** How a connection reports what it reads; the sources service turns these into samples, events, metrics and logs. */
export interface SourceDeps<D> {
  /** Resolves when the ingestion pipeline accepted the batch (backpressure: read on only after it resolves). */
  publish(batch: IngestedSample[]): Promise<void>;
  /** The device stopped answering (after the protocol's own confirmation: one blip is not an alarm). */
  commFailed(device: D, at: number, reason: string): void;
  commRestored(device: D, at: number, downMs: number): void;
  /** Only a part of the device failed (`scope`, e.g. a Sparkplug edge node behind a broker), with its tags: one alarm per scope. */
  scopeFailed?(device: D, scope: string, sensorIds: string[], at: number, reason: string): void;
  scopeRestored?(device: D, scope: string, sensorIds: string[], at: number, downMs: number): void;
  onError?(device: D, message: string): void;
  now?: () => number;
}

/** One device's live connection. */
export interface SourceConnection {
  start(): void;
  /** Stops reading and closes the connection; resolves when nothing more will be published. */
  stop(): Promise<void>;
  status(): DeviceStatusDto;
  carryOver(): SourceCarryOver;
}

/** A protocol: opens connections for its devices. `D`/`T` are the protocol's device and tag shapes. */
export interface SourceDriver<D, T> {
  readonly protocol: DeviceProtocol;
  open(device: D, tags: readonly T[], deps: SourceDeps<D>, carry?: SourceCarryOver): SourceConnection;
  /** One line for the log when a connection starts, e.g. "opc.tcp://host:4840: 12 monitored items at 1000 ms". */
  describe(device: D, tags: readonly T[]): string;
  /** Where the device is reached, for log lines (e.g. "10.0.0.5:502", "opc.tcp://plc-07:4840"). */
  endpoint?(device: D): string;
}

/**
 * The DI token of every registered driver (a factory provider collecting them): a protocol is added by
 * writing its driver and listing it in `SOURCE_DRIVER_CLASSES` (ingestion.module.ts).
 */
export const SOURCE_DRIVERS = Symbol('SOURCE_DRIVERS');
