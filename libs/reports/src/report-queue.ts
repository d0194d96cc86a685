import type { ReportFormat, ReportScope } from '@idm/contracts';

/** The reports queue: background reports and the scheduled clean-up of expired report files. */
export const REPORTS_QUEUE = 'reports';
export const REPORT_JOB = 'report';
export const REPORT_CLEANUP_JOB = 'cleanup';
/** Stable id of the clean-up job scheduler. */
export const REPORT_CLEANUP_SCHEDULER = 'reports-cleanup';

export interface ReportJobData {
  from: number;
  to: number;
  scope: ReportScope;
  format: ReportFormat;
  requested_by: string | null;
  created_at: number;
}

export interface ReportJobResult {
  bytes: number;
  expires_at: number;
}
