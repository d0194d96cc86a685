import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { TagDto } from '@idm/contracts';
import { PlantWrite, Roles } from '@idm/core';
import { CreateTagDto, UpdateTagDto } from './dto/tag.dto';
import { RegistryService } from './registry/registry.service';
import { TagRegistryService } from './registry/tag-registry.service';

@ApiTags('tags')
@Controller('tags')
@PlantWrite() // registry writes: the writer holds the registry in memory
export class TagsController {
  constructor(
    private readonly admin: RegistryService,
    private readonly registry: TagRegistryService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List tags (sensors configured on devices), optionally of one device' })
  @ApiQuery({ name: 'device_id', required: false })
  list(@Query('device_id') deviceId?: string): TagDto[] {
    const tags = typeof deviceId === 'string' ? this.registry.tagsOfDevice(deviceId) : this.registry.listTags();
    return tags.sort((a, b) => a.sensor_id.localeCompare(b.sensor_id));
  }

  @Get(':sensor_id')
  @ApiOperation({ summary: 'One tag: register, data type, scaling, unit, limits and alarm priority' })
  getOne(@Param('sensor_id') sensorId: string): TagDto {
    return this.admin.getTag(sensorId);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Add a tag to a device (refused with a 400 naming the tag if its registers overlap another)' })
  create(@Body() dto: CreateTagDto): Promise<TagDto> {
    return this.admin.createTag(dto);
  }

  @Patch(':sensor_id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a tag: the fields given replace the stored ones (alarm_priority: null removes it)' })
  update(@Param('sensor_id') sensorId: string, @Body() dto: UpdateTagDto): Promise<TagDto> {
    return this.admin.updateTag(sensorId, dto);
  }

  @Delete(':sensor_id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a tag (its history stays)' })
  async remove(@Param('sensor_id') sensorId: string): Promise<void> {
    await this.admin.deleteTag(sensorId);
  }
}
