import { BadRequestException, Controller, Get, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { HistoryResponseDto, SensorDetailDto, SensorSummaryDto } from '@idm/contracts';
import { SENSOR_ID_PATTERN } from '@idm/ingestion';
import { parseIntParam, parseRange, QueryParamError } from './engine/query-params';
import { DAY, HOUR } from './engine/time';
import { HistoryService } from './history.service';

function badParam(err: unknown): never {
  if (err instanceof QueryParamError) throw new BadRequestException({ message: err.message, details: [err.detail] });
  throw err;
}

@ApiTags('sensors')
@ApiBearerAuth('access-token')
@Controller('sensors')
export class SensorsController {
  constructor(private readonly history: HistoryService) {}

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
