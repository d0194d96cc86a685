import type { ReportFormat, ReportJobDto, ReportScope } from '@idm/contracts';
import { api } from '../../../lib/api';

export async function createReportJob(body: { from: string; to: string; format: ReportFormat; scope?: ReportScope }): Promise<ReportJobDto> {
  const { data } = await api.post<ReportJobDto>('/reports/jobs', body);
  return data;
}

export async function getReportJob(id: string): Promise<ReportJobDto> {
  const { data } = await api.get<ReportJobDto>(`/reports/jobs/${encodeURIComponent(id)}`);
  return data;
}
