import { BadRequestException, Body, Controller, Delete, ForbiddenException, Get, HttpCode, NotFoundException, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AnomalyCheckResponse, AnomalyHistoryPage, DetectorOverrideDto } from '@idm/contracts';
import { satisfiesRoles } from '@idm/contracts';
import { AuthUser, CurrentUser, PlantWrite, Roles } from '@idm/core';
import { TagRegistryService } from '@idm/ingestion';
import { AnomaliesRepository } from './anomalies.repository';
import { DetectionService, episodeToWire } from './detection.service';
import { CheckRequestDto, HistoryQueryDto, SENSOR_ID, toEpochMs } from './dto/anomalies.dto';
import { AnomalyCheckResponseDto, AnomalyHistoryPageResponse } from './dto/anomaly-episode.dto';
import { DetectorOverridesDto } from './dto/detector-overrides.dto';
import { decodeCursor, encodeCursor, episodesToCsv } from './history-format';

@ApiTags('anomalies')
@ApiBearerAuth('access-token')
@Controller('anomalies')
export class AnomaliesController {
  constructor(
    private readonly detection: DetectionService,
    private readonly repo: AnomaliesRepository,
    private readonly tags: TagRegistryService,
  ) {}

  @Post('check')
  @PlantWrite((req) => (req.body as { store?: unknown } | undefined)?.store === true) // a what-if without store writes nothing
  @HttpCode(200)
  @Roles('viewer')
  @ApiOperation({
    summary: "What-if: run the sensor's detectors over the given samples; stores episodes only with store=true (operator or above)",
    description:
      'A fresh detector (or the live one while it warms up) answers `learning` with `samples_to_learn` until it has learned, never `normal`. ' +
      'To check history with nothing learned live, declare the leading samples known normal with `train_until` (a time, inclusive) or `train_samples` (a count): ' +
      'they are learned first and answered `training`, the rest judged.',
  })
  @ApiOkResponse({ type: AnomalyCheckResponseDto })
  async check(@Body() body: CheckRequestDto, @CurrentUser() user: AuthUser | undefined): Promise<AnomalyCheckResponse> {
    if (body.store && !satisfiesRoles(user?.roles ?? [], ['operator'])) {
      throw new ForbiddenException({ message: 'store: storing checked episodes needs the operator role or above', details: [{ field: 'store', rule: 'role', message: 'store needs the operator role or above' }] });
    }
    const samples = body.samples.map((s) => ({ timestamp: toEpochMs(s.timestamp), value: s.value }));
    // Detectors are causal: a what-if over shuffled samples would be meaningless.
    for (let i = 1; i < samples.length; i++) {
      if (samples[i].timestamp < samples[i - 1].timestamp) {
        const field = `samples[${i}].timestamp`;
        throw badField(field, 'ascending', `${field} must not be earlier than samples[${i - 1}].timestamp`);
      }
    }
    const train = trainingCount(body, samples);
    const result = await this.detection.check({ sensor_id: body.sensor_id, samples, use_live_state: body.use_live_state ?? false, train });
    if (body.store && result.episodes.length) await this.detection.storeEpisodes(body.sensor_id, result.episodes);
    const area = this.tags.getTag(body.sensor_id)?.area ?? null;
    return {
      sensor_id: body.sensor_id,
      verdicts: result.verdicts,
      episodes: result.episodes.map((e) => episodeToWire(body.sensor_id, e, area)),
      stored: Boolean(body.store),
      trained: train,
      samples_to_learn: result.samplesToLearn,
    };
  }

  @Get('history')
  @Roles('viewer')
  @ApiOperation({ summary: 'Anomaly episodes, newest first, filtered; cursor pagination; format=csv for a spreadsheet' })
  @ApiOkResponse({ type: AnomalyHistoryPageResponse, description: 'JSON page, or with format=csv the same episodes as text/csv (x-next-cursor header)' })
  async history(@Query() q: HistoryQueryDto, @Res({ passthrough: true }) res: Response): Promise<AnomalyHistoryPage | string> {
    const after = q.cursor !== undefined ? decodeCursor(q.cursor) : undefined;
    if (after === null) throw new BadRequestException({ message: 'cursor is not a cursor this API issued', details: [{ field: 'cursor', rule: 'isCursor', message: 'cursor must be a next_cursor from a previous page' }] });
    const limit = q.limit ?? (q.format === 'csv' ? 1000 : 50);
    const items = await this.repo.history({
      sensor_id: q.sensor_id,
      asset_id: q.asset_id,
      area: q.area,
      match: q.match,
      anomaly_type: q.anomaly_type,
      severity: q.severity,
      resolved: q.resolved,
      from: q.from !== undefined ? toEpochMs(q.from) : undefined,
      to: q.to !== undefined ? toEpochMs(q.to) : undefined,
      after,
      limit: limit + 1,
    });
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    const next = items.length > limit && last ? encodeCursor(Date.parse(last.timestamp), last.id) : null;
    if (q.format === 'csv') {
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', 'attachment; filename="anomalies.csv"');
      if (next) res.setHeader('x-next-cursor', next);
      return episodesToCsv(page);
    }
    return { items: page, next_cursor: next };
  }

  @Get('settings')
  @Roles('viewer')
  @ApiOperation({ summary: 'Admin overrides of the automatic detector configuration (per sensor or per unit)' })
  listOverrides(): DetectorOverrideDto[] {
    return this.detection.listOverrides();
  }

  @Put('settings/:scope/:key')
  @PlantWrite()
  @Roles('admin')
  @ApiOperation({ summary: "Override the detector configuration of one sensor (scope=sensor) or of every tag with a unit (scope=unit); applies to the next sample" })
  setOverride(@Param('scope') scope: string, @Param('key') key: string, @Body() body: DetectorOverridesDto, @CurrentUser() user: AuthUser): Promise<DetectorOverrideDto> {
    const s = checkScope(scope, key);
    return this.detection.setOverride(s, key, JSON.parse(JSON.stringify(body)) as DetectorOverridesDto, user.username);
  }

  @Delete('settings/:scope/:key')
  @PlantWrite()
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an override (back to the automatic configuration)' })
  async deleteOverride(@Param('scope') scope: string, @Param('key') key: string): Promise<void> {
    if (!(await this.detection.deleteOverride(checkScope(scope, key), key))) throw new NotFoundException({ message: `no detector override for ${scope} ${key}` });
  }
}

function badField(field: string, rule: string, message: string): BadRequestException {
  return new BadRequestException({ message, details: [{ field, rule, message }] });
}

/** How many leading samples the request declares known normal (`train_until` or `train_samples`, not both). */
function trainingCount(body: CheckRequestDto, samples: readonly { timestamp: number }[]): number {
  if (body.train_until !== undefined && body.train_samples !== undefined) {
    throw badField('train_samples', 'exclusive', 'train_samples and train_until cannot both be given: choose one');
  }
  if (body.train_samples !== undefined) {
    if (body.train_samples > samples.length) throw badField('train_samples', 'max', `train_samples must be at most the number of samples (${samples.length})`);
    return body.train_samples;
  }
  if (body.train_until === undefined) return 0;
  const until = toEpochMs(body.train_until);
  // Samples are ascending (checked above): the known-normal ones are a prefix.
  const after = samples.findIndex((s) => s.timestamp > until);
  return after < 0 ? samples.length : after;
}

function checkScope(scope: string, key: string): 'sensor' | 'unit' {
  if (scope !== 'sensor' && scope !== 'unit') {
    throw new BadRequestException({ message: 'scope must be sensor or unit', details: [{ field: 'scope', rule: 'isIn', message: 'scope must be sensor or unit' }] });
  }
  const ok = scope === 'sensor' ? SENSOR_ID.test(key) : key.length >= 1 && key.length <= 32 && !/[\u0000-\u001f$]/.test(key);
  if (!ok) throw new BadRequestException({ message: `key is not a valid ${scope}`, details: [{ field: 'key', rule: 'pattern', message: `key must be a ${scope === 'sensor' ? 'sensor_id' : 'unit of at most 32 characters'}` }] });
  return scope;
}
