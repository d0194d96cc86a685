import { BadRequestException, Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiOperation, ApiProduces, ApiQuery, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { HistoryResponseDto, SampleBatchAccepted, SensorDetailDto, SensorSummaryDto } from '@idm/contracts';
import { AppConfig, PlantWrite, RetryLaterException, Roles } from '@idm/core';
import { IngestionService } from '@idm/ingestion';
import { parseIntParam, parseRange, QueryParamError } from './engine/query-params';
import { DAY, HOUR } from './engine/time';
import { SENSOR_ID_PATTERN, validateSampleBatch } from './engine/validate-samples';
import { HistorianService } from './historian.service';
import { HistoryService } from './history.service';

const SAMPLE_SCHEMA = {
  type: 'object',
  required: ['sensor_id', 'timestamp', 'value'],
  additionalProperties: false,
  properties: {
    sensor_id: { type: 'string', pattern: SENSOR_ID_PATTERN.source, example: 'boiler-1.temp' },
    timestamp: { oneOf: [{ type: 'string', format: 'date-time', description: 'ISO-8601 with a time zone' }, { type: 'integer', description: 'epoch milliseconds' }] },
    value: { type: 'number', description: 'finite' },
    quality: { type: 'string', enum: ['good', 'bad', 'comm_failure', 'stale'], default: 'good' },
    status: { type: 'string', enum: ['normal', 'anomaly'], description: 'normally set by detection' },
  },
};

function badParam(err: unknown): never {
  if (err instanceof QueryParamError) throw new BadRequestException({ message: err.message, details: [err.detail] });
  throw err;
}

@ApiTags('sensors')
@ApiBearerAuth('access-token')
@Controller('sensors')
export class SensorsController {
  constructor(
    private readonly config: AppConfig,
    private readonly ingestion: IngestionService,
    private readonly history: HistoryService,
    private readonly historian: HistorianService,
  ) {}

  @Post('data')
  @PlantWrite()
  @HttpCode(202)
  @Roles('operator')
  @ApiOperation({
    summary: 'Ingest samples (operator or above)',
    description:
      'Body: one sample object, `{"samples": [...]}`, or a bare array of samples; at most HISTORIAN_MAX_BATCH (default 10 000). ' +
      'The whole batch is validated first: finite `value`, `timestamp` as ISO-8601 with a zone or epoch ms within the accepted window ' +
      '(HISTORIAN_MAX_PAST_DAYS back, HISTORIAN_MAX_FUTURE_SECONDS ahead), `sensor_id` pattern. The first bad sample is named ' +
      '(`samples[3].value`) and nothing of the batch is stored. Samples go through the same ingestion pipeline as polled ones ' +
      '(detection, storage, live). 202 means durable: written to the database or to the local journal. Re-sending the same ' +
      '`(sensor_id, timestamp)` replaces the stored sample, never doubles it. Unknown sensor ids (not in the tag registry) are ' +
      'accepted and stored; they are listed in `unregistered` and in `GET /sensors` with `registered: false`.',
  })
  @ApiBody({ schema: { oneOf: [SAMPLE_SCHEMA, { type: 'array', items: SAMPLE_SCHEMA }, { type: 'object', required: ['samples'], properties: { samples: { type: 'array', items: SAMPLE_SCHEMA } } }] } })
  @ApiAcceptedResponse({ description: '{accepted, unregistered}: every sample is durable' })
  @ApiBadRequestResponse({ description: 'the first bad sample and field, e.g. `samples[3].value must be a finite number`' })
  @ApiServiceUnavailableResponse({ description: 'backpressure: the in-memory backlog (HISTORIAN_MAX_BACKLOG_SAMPLES) or the local journal is full; nothing of the batch was stored; see Retry-After' })
  async ingest(@Body() body: unknown): Promise<SampleBatchAccepted> {
    const now = Date.now();
    const h = this.config.historian;
    const r = validateSampleBatch(body, { maxBatch: h.maxBatch, minTimestamp: now - h.maxPastDays * DAY, maxTimestamp: now + h.maxFutureSeconds * 1000 });
    if (!r.ok) throw new BadRequestException({ message: r.message, details: r.details });
    const admitted = this.historian.admit(r.samples.length);
    if (!admitted.ok) {
      throw new RetryLaterException(
        `ingest backlog full: ${admitted.backlog} samples wait to be written (HISTORIAN_MAX_BACKLOG_SAMPLES=${h.maxBacklogSamples}); nothing of this batch was stored, retry after ${admitted.retryAfterSeconds} s`,
        admitted.retryAfterSeconds,
      );
    }
    try {
      await this.ingestion.publish(r.samples.map((x) => ({ sensor_id: x.sensor_id, timestamp: x.t, value: x.v, quality: x.q, source: 'rest' as const, ...(x.s === 'anomaly' ? { status: x.s } : {}) })));
    } finally {
      this.historian.release(r.samples.length);
    }
    const unregistered = [...new Set(r.samples.map((x) => x.sensor_id))].filter((id) => !this.history.summary(id).registered);
    return { accepted: r.samples.length, unregistered };
  }

  @Get()
  @ApiOperation({ summary: 'All sensors (registered tags and sensors that sent samples) with their latest value, status, unit and area' })
  list(): SensorSummaryDto[] {
    return this.history.listSensors();
  }

  @Get(':sensor_id')
  @ApiOperation({ summary: 'Latest value and status of a sensor plus the raw samples of a recent window (default 10 minutes before the latest sample)' })
  @ApiQuery({ name: 'window_s', required: false, description: 'recent window in seconds (1..86400, default 600)' })
  async detail(@Param('sensor_id') id: string, @Query() q: Record<string, unknown>): Promise<SensorDetailDto> {
    let windowS: number;
    try {
      windowS = parseIntParam('window_s', q.window_s, 600, 1, 86_400);
    } catch (err) {
      badParam(err);
    }
    this.mustExist(id);
    return this.history.detail(id, windowS * 1000);
  }

  @Get(':sensor_id/history')
  @ApiOperation({
    summary: 'History as at most max_points buckets with min/max/mean/first/last/count',
    description: 'Computed from raw samples for short ranges and from minute or hour rollups for long ones, chosen automatically (`source`). `from` defaults to 24 h before `to` (default now).',
  })
  @ApiQuery({ name: 'from', required: false, description: 'ISO-8601 or epoch ms' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO-8601 or epoch ms' })
  @ApiQuery({ name: 'max_points', required: false, description: '1..10000, default 1000' })
  async historyOf(@Param('sensor_id') id: string, @Query() q: Record<string, unknown>): Promise<HistoryResponseDto> {
    let range: { from: number; to: number };
    let maxPoints: number;
    try {
      range = parseRange(q, Date.now(), DAY, 3660 * DAY);
      maxPoints = parseIntParam('max_points', q.max_points, 1000, 1, 10_000);
    } catch (err) {
      badParam(err);
    }
    this.mustExist(id);
    return this.history.history(id, range.from, range.to, maxPoints);
  }

  @Get(':sensor_id/export.csv')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'Raw samples of a range as CSV (streamed): sensor_id,timestamp,value,status,quality. At most 31 days per export; default the last hour.' })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  async exportCsv(@Param('sensor_id') id: string, @Query() q: Record<string, unknown>, @Res() res: Response): Promise<void> {
    let range: { from: number; to: number };
    try {
      range = parseRange(q, Date.now(), HOUR, 31 * DAY);
    } catch (err) {
      badParam(err);
    }
    this.mustExist(id);
    res.status(200);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${id.replace(/[^A-Za-z0-9_.-]/g, '_')}.csv"`);
    res.write('sensor_id,timestamp,value,status,quality\n');
    try {
      for await (const chunk of this.history.rawSamples(id, range.from, range.to)) {
        const text = chunk.map((x) => `${x.sensor_id},${new Date(x.t).toISOString()},${x.v},${x.s},${x.q}\n`).join('');
        // Respect the socket's backpressure: a month of samples is never held in memory.
        if (!res.write(text)) await new Promise<void>((r) => res.once('drain', () => r()));
        if (res.destroyed) return;
      }
    } finally {
      res.end();
    }
  }

  private mustExist(id: string): void {
    if (!SENSOR_ID_PATTERN.test(id) || !this.history.exists(id)) throw new NotFoundException({ message: `sensor ${id} is not known (no tag and no samples)` });
  }
}
