import { Body, Controller, Get, Headers, HttpCode, NotFoundException, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiAcceptedResponse, ApiConflictResponse, ApiHeader, ApiOperation, ApiProduces, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { AnomalyReport, ReportJobDto, ReportScope } from '@idm/contracts';
import { AuthUser, CurrentUser, IDEMPOTENCY_KEY_HEADER, idempotentId, RedisGate, Roles } from '@idm/core';
import { ReportJobRequestDto, ReportQueryDto, ReportScopeDto } from './dto/report-query.dto';
import { ReportJobsService } from './report-jobs.service';
import { ReportsRepository } from './reports.repository';
import { MAX_DIRECT_RANGE_MS, MAX_RANGE_MS, ReportsService } from './reports.service';

function scopeOf(q: ReportScopeDto | undefined): ReportScope {
  const s: ReportScope = {};
  if (q?.area) s.area = q.area;
  if (q?.device_id) s.device_id = q.device_id;
  if (q?.sensor_ids?.length) s.sensor_ids = q.sensor_ids;
  if (q?.min_priority) s.min_priority = q.min_priority;
  return s;
}

@ApiTags('reports')
@ApiBearerAuth('access-token')
@Roles('supervisor')
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly jobs: ReportJobsService,
    private readonly repo: ReportsRepository,
    private readonly redis: RedisGate,
  ) {}

  @Get('anomalies')
  @ApiOperation({ summary: 'Anomaly and alarm report for a range and scope as JSON, CSV or PDF (supervisor or above); ranges over 31 days: POST /reports/jobs' })
  @ApiProduces('application/json', 'text/csv', 'application/pdf')
  async anomalies(@Query() q: ReportQueryDto): Promise<AnomalyReport | StreamableFile> {
    const { from, to } = ReportsService.range(q.from, q.to, MAX_DIRECT_RANGE_MS);
    const report = await this.reports.build({ from, to, scope: scopeOf(q) });
    if (!q.format || q.format === 'json') return report;
    const file = await this.reports.render(report, q.format);
    return new StreamableFile(file.content, { type: file.contentType, disposition: `attachment; filename="${file.filename}"` });
  }

  @Post('jobs')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a report in the background; poll GET /reports/jobs/:id (supervisor or above)' })
  @ApiHeader({ name: IDEMPOTENCY_KEY_HEADER, required: false, description: 'a retry with the same key (same user) answers the job made by the first request instead of queueing another' })
  @ApiAcceptedResponse({ description: 'the job, queued (or the one an earlier request with the same Idempotency-Key made)' })
  @ApiConflictResponse({ description: 'the Idempotency-Key was used for a different request' })
  @ApiServiceUnavailableResponse({ description: 'Redis is unreachable: nothing was queued; see Retry-After' })
  createJob(@Body() body: ReportJobRequestDto, @CurrentUser() user: AuthUser | undefined, @Headers('idempotency-key') key?: string): Promise<ReportJobDto> {
    const { from, to } = ReportsService.range(body.from, body.to, MAX_RANGE_MS);
    const requestedBy = user?.username ?? null;
    const id = idempotentId(key, requestedBy ?? '', 'report-job');
    this.redis.assertUp('queueing a report');
    return this.jobs.enqueue(from, to, scopeOf(body.scope), body.format ?? 'pdf', requestedBy, id);
  }

  @Get('jobs/:id')
  @ApiOperation({ summary: 'State and progress of a background report, with its download link when done (supervisor or above)' })
  job(@Param('id') id: string): Promise<ReportJobDto> {
    return this.jobs.get(id);
  }

  @Get('jobs/:id/download')
  @ApiOperation({ summary: 'The file of a finished background report (supervisor or above)' })
  @ApiProduces('application/json', 'text/csv', 'application/pdf')
  async download(@Param('id') id: string): Promise<StreamableFile> {
    const file = await this.repo.getFile(id);
    if (!file) throw new NotFoundException({ message: `report ${id} not found (not finished, or expired)` });
    return new StreamableFile(file.content, { type: file.content_type, disposition: `attachment; filename="${file.filename}"` });
  }
}
