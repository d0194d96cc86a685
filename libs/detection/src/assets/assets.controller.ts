import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AssetDto, AssetHealthHistoryDto, AssetHealthSummaryDto } from '@idm/contracts';
import { PlantWrite, Roles } from '@idm/core';
import { HEALTH_BUCKET_MS } from '../engine';
import { AssetHealthHistoryResponse, AssetHealthQueryDto, AssetHealthSummaryResponse, AssetInputDto, HEALTH_MAX_RANGE_MS } from './asset.dto';
import { AssetHealthService } from './asset-health.service';
import { AssetsService } from './assets.service';

@ApiTags('assets')
@ApiBearerAuth('access-token')
@Controller('assets')
export class AssetsController {
  constructor(
    private readonly assets: AssetsService,
    private readonly health: AssetHealthService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List assets: named groups of tags of one piece of equipment, watched together' })
  list(): Promise<AssetDto[]> {
    return this.assets.list();
  }

  @Get('health')
  @ApiOperation({ summary: "Each asset's latest health verdict (learning, healthy, anomaly, missing; unknown on an instance that does not run the detectors)" })
  @ApiOkResponse({ type: [AssetHealthSummaryResponse] })
  summaries(): AssetHealthSummaryDto[] {
    return this.health.summaries();
  }

  @Get(':id/health')
  @ApiOperation({
    summary: "The asset's health statistic over time against its limit",
    description: 'One point per 10 s: the highest statistic/limit ratio scored in it (1 = at the limit; null while learning or with a sensor missing). ' +
      'Range at most 24 h (default: the last hour); kept 30 days.',
  })
  @ApiOkResponse({ type: AssetHealthHistoryResponse })
  @ApiNotFoundResponse({ description: 'no such asset' })
  async healthHistory(@Param('id') id: string, @Query() q: AssetHealthQueryDto): Promise<AssetHealthHistoryDto> {
    await this.assets.get(id);
    const to = q.to ? Date.parse(q.to) : Date.now();
    const from = q.from ? Date.parse(q.from) : to - 3_600_000;
    if (from >= to) throw new BadRequestException({ message: 'from must be before to', details: [{ field: 'from', rule: 'beforeTo', message: 'from must be before to' }] });
    if (to - from > HEALTH_MAX_RANGE_MS) {
      throw new BadRequestException({ message: 'the range is at most 24 h (to - from)', details: [{ field: 'to', rule: 'maxRange', message: 'to must be at most 24 h after from' }] });
    }
    const points = await this.health.healthHistory(id, from, to);
    return { asset_id: id, from: new Date(from).toISOString(), to: new Date(to).toISOString(), bucket_ms: HEALTH_BUCKET_MS, limit: 1, points };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One asset' })
  getOne(@Param('id') id: string): Promise<AssetDto> {
    return this.assets.get(id);
  }

  @Post()
  @Roles('admin')
  @PlantWrite()
  @ApiOperation({ summary: 'Define an asset (at least 2 distinct sensors of the tag registry; a 400 names the asset and the field)' })
  create(@Body() body: AssetInputDto): Promise<AssetDto> {
    return this.assets.create(body);
  }

  @Put(':id')
  @Roles('admin')
  @PlantWrite()
  @ApiOperation({ summary: 'Replace an asset definition' })
  replace(@Param('id') id: string, @Body() body: AssetInputDto): Promise<AssetDto> {
    return this.assets.replace(id, body);
  }

  @Delete(':id')
  @Roles('admin')
  @PlantWrite()
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an asset' })
  remove(@Param('id') id: string): Promise<void> {
    return this.assets.remove(id);
  }
}
