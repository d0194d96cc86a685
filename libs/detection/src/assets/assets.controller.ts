import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AssetDto } from '@idm/contracts';
import { PlantWrite, Roles } from '@idm/core';
import { AssetInputDto } from './asset.dto';
import { AssetsService } from './assets.service';

@ApiTags('assets')
@ApiBearerAuth('access-token')
@Controller('assets')
export class AssetsController {
  constructor(private readonly assets: AssetsService) {}

  @Get()
  @ApiOperation({ summary: 'List assets: named groups of tags of one piece of equipment, watched together' })
  list(): Promise<AssetDto[]> {
    return this.assets.list();
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
