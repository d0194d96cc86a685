import { BadRequestException, Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { SampleBatchAccepted } from '@idm/contracts';
import { AppConfig, PlantWrite, RetryLaterException, Roles } from '@idm/core';
import { SENSOR_ID_PATTERN } from '../../dto/tag.dto';
import { IngestionService } from '../../ingestion.service';
import { TagRegistryService } from '../../registry/tag-registry.service';
import { validateSampleBatch } from './validate-samples';

const DAY = 86_400_000;

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

/** The REST source: samples posted by other systems enter the same ingestion pipeline as the polled ones. */
@ApiTags('sensors')
@ApiBearerAuth('access-token')
@Controller('sensors')
export class SensorDataController {
  constructor(
    private readonly config: AppConfig,
    private readonly ingestion: IngestionService,
    private readonly registry: TagRegistryService,
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
    const admitted = this.ingestion.admit(r.samples.length);
    if (!admitted.ok) {
      throw new RetryLaterException(`${admitted.reason}; nothing of this batch was stored, retry after ${admitted.retryAfterSeconds} s`, admitted.retryAfterSeconds);
    }
    try {
      await this.ingestion.publish(r.samples);
    } finally {
      this.ingestion.release(r.samples.length);
    }
    const unregistered = [...new Set(r.samples.map((x) => x.sensor_id))].filter((id) => !this.registry.getTag(id));
    return { accepted: r.samples.length, unregistered };
  }
}
