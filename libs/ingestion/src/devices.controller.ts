import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { DeviceDto, DeviceStatusDto, ImportResultDto } from '@idm/contracts';
import { PlantWrite, Roles } from '@idm/core';
import { CreateDeviceDto, UpdateDeviceDto } from './dto/device.dto';
import { SourcesService } from './sources/sources.service';
import { publicDevice } from './registry/registry-shapes';
import { RegistryService } from './registry/registry.service';
import { TagRegistryService } from './registry/tag-registry.service';

@ApiTags('devices')
@Controller('devices')
@PlantWrite() // registry writes: the writer holds the registry in memory
export class DevicesController {
  constructor(
    private readonly admin: RegistryService,
    private readonly registry: TagRegistryService,
    private readonly sources: SourcesService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List devices (PLCs)' })
  list(): DeviceDto[] {
    return this.registry.listDevices().sort((a, b) => a.id.localeCompare(b.id)).map(publicDevice);
  }

  @Get('status')
  @ApiOperation({ summary: 'Connection status and counters of every device' })
  statuses(): DeviceStatusDto[] {
    return this.sources.statuses();
  }

  @Get('export')
  @Roles('admin')
  @ApiOperation({ summary: 'Export all devices and tags as one JSON or YAML device file' })
  @ApiQuery({ name: 'format', enum: ['json', 'yaml'], required: false })
  export(@Res({ passthrough: true }) res: Response, @Query('format') format?: string): string {
    if (format !== undefined && format !== 'json' && format !== 'yaml') {
      throw new BadRequestException({ message: 'format must be json or yaml', details: [{ field: 'format', rule: 'isIn', message: 'format must be json or yaml' }] });
    }
    const f = format === 'yaml' ? 'yaml' : 'json';
    res.type(f === 'yaml' ? 'application/yaml' : 'application/json');
    res.setHeader('Content-Disposition', `attachment; filename="idm-devices.${f}"`);
    return this.admin.exportFile(f);
  }

  @Post('import')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import a device file',
    description: 'Body: the device file as JSON ({version: 2, devices: [...], tags: [...]}) or {"yaml": "<file text>"}. ' +
      'Version 2 devices carry protocol (modbus, opcua) and tags their binding in source; version 1 (Modbus, the binding flat on each tag) is still read. ' +
      'OPC UA passwords are never exported; an imported device without one keeps the password stored for it (same id and username). ' +
      'mode=merge (default) upserts devices by id and tags by sensor_id; mode=replace also removes what the file does not list. ' +
      'Nothing is written unless the whole file is valid; every problem names the device or tag.',
  })
  @ApiQuery({ name: 'mode', enum: ['merge', 'replace'], required: false })
  @ApiBody({ schema: { type: 'object' } })
  import(@Body() body: unknown, @Query('mode') mode?: string): Promise<ImportResultDto> {
    if (mode !== undefined && mode !== 'merge' && mode !== 'replace') {
      throw new BadRequestException({ message: 'mode must be merge or replace', details: [{ field: 'mode', rule: 'isIn', message: 'mode must be merge or replace' }] });
    }
    return this.admin.importFile(body, mode === 'replace' ? 'replace' : 'merge');
  }

  @Get(':id')
  @ApiOperation({ summary: 'One device: its protocol and connection settings (an OPC UA password is never returned: password_set)' })
  getOne(@Param('id') id: string): DeviceDto {
    return publicDevice(this.admin.getDevice(id));
  }

  @Get(':id/status')
  @ApiOperation({ summary: 'Connection status of one device: connected, last good read, requests, errors, poll duration (a device IDM cannot read says why in last_error)' })
  status(@Param('id') id: string): DeviceStatusDto {
    return this.sources.status(id);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Add a device: a Modbus PLC (protocol modbus, the default: host, port, unit_id, ...) or an OPC UA server (protocol opcua: endpoint_url, security, credentials)' })
  async create(@Body() dto: CreateDeviceDto): Promise<DeviceDto> {
    return publicDevice(await this.admin.createDevice(dto));
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a device: the fields given (address, poll interval, enabled, ...) replace the stored ones' })
  async update(@Param('id') id: string, @Body() dto: UpdateDeviceDto): Promise<DeviceDto> {
    return publicDevice(await this.admin.updateDevice(id, dto));
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a device and its tags (their history stays)' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.admin.deleteDevice(id);
  }
}
