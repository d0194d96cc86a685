export type ComponentStatus = 'up' | 'degraded' | 'down';

export interface ComponentHealth {
  status: ComponentStatus;
  message?: string;
  latency_ms?: number;
  [extra: string]: unknown;
}

export interface HealthResponse {
  status: 'ok' | 'degraded' | 'down';
  message: string;
  components: Record<string, ComponentHealth>;
  uptime_s: number;
}
