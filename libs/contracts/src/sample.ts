/** Status of a stored sample, as in the original contract. */
export type SampleStatus = 'normal' | 'anomaly';

/** Quality of a sample (OPC-style): where it came from and whether it can be trusted. */
export type SampleQuality = 'good' | 'bad' | 'comm_failure' | 'stale';

/** A sensor reading on the wire (original contract field names). */
export interface SampleDto {
  sensor_id: string;
  /** ISO-8601 string or epoch milliseconds. */
  timestamp: string | number;
  value: number;
  status?: SampleStatus;
  quality?: SampleQuality;
}
