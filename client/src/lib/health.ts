import type { HealthResponse } from '@idm/contracts';

/** Reads the server's health; the start screen shows it until the control-room screens land. */
export async function fetchHealth(): Promise<HealthResponse> {
  const res = await fetch('/health');
  return (await res.json()) as HealthResponse;
}
