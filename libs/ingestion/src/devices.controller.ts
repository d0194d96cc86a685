import { BadGatewayException, BadRequestException, Body, ConflictException, Controller, Delete, Get, HttpCode, NotFoundException, Param, Patch, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBadGatewayResponse, ApiBody, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { isMqttDevice, isOpcuaDevice, mqttBinding, type DeviceDto, type SparkplugMetricDto, type DeviceStatusDto, type ImportResultDto, type OpcuaBrowseNodeDto } from '@idm/contracts';
import { PlantWrite, Roles } from '@idm/core';
import { CreateDeviceDto, UpdateDeviceDto } from './dto/device.dto';
import { SourcesService } from './sources/sources.service';
import { MqttSourceDriver } from './sources/mqtt';
import { nodeIdError, OpcuaServerUnreachableError, OpcuaSourceDriver } from './sources/opcua';
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
    private readonly opcua: OpcuaSourceDriver,
    private readonly mqtt: MqttSourceDriver,
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
  @ApiOperation({ summary: 'Export all devices, tags and assets as one JSON or YAML device file' })
  @ApiQuery({ name: 'format', enum: ['json', 'yaml'], required: false })
  async export(@Res({ passthrough: true }) res: Response, @Query('format') format?: string): Promise<string> {
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
    description: 'Body: the device file as JSON ({version: 2, devices: [...], tags: [...], assets: [...]}) or {"yaml": "<file text>"}. ' +
      'Version 2 devices carry protocol (modbus, opcua) and tags their binding in source; version 1 (Modbus, the binding flat on each tag) is still read. ' +
      'OPC UA passwords are never exported; an imported device without one keeps the password stored for it (same id and username). ' +
      'Assets (optional; a file without them has none) name at least 2 distinct sensors that the registry holds after the import. ' +
      'mode=merge (default) upserts devices by id, tags by sensor_id and assets by id; mode=replace also removes what the file does not list. ' +
      'Nothing is written unless the whole file is valid; every problem names the device, tag or asset and the field. ' +
      'dry_run=true writes nothing and answers what the import would remove (removed_devices, removed_tags, removed_assets), to ask before a replace. ' +
      'Only devices whose settings or tags changed restart their connection (changed_devices): an unchanged file imported again restarts none.',
  })
  @ApiQuery({ name: 'mode', enum: ['merge', 'replace'], required: false })
  @ApiQuery({ name: 'dry_run', enum: ['true', 'false'], required: false })
  @ApiBody({ schema: { type: 'object' } })
  @ApiOkResponse({ description: 'what was imported (or would be, on a dry run), removed and restarted' })
  import(@Body() body: unknown, @Query('mode') mode?: string, @Query('dry_run') dryRun?: string): Promise<ImportResultDto> {
    if (mode !== undefined && mode !== 'merge' && mode !== 'replace') {
      throw new BadRequestException({ message: 'mode must be merge or replace', details: [{ field: 'mode', rule: 'isIn', message: 'mode must be merge or replace' }] });
    }
    if (dryRun !== undefined && dryRun !== 'true' && dryRun !== 'false') {
      throw new BadRequestException({ message: 'dry_run must be true or false', details: [{ field: 'dry_run', rule: 'isBoolean', message: 'dry_run must be true or false' }] });
    }
    return this.admin.importFile(body, mode === 'replace' ? 'replace' : 'merge', dryRun === 'true');
  }

  @Get(':id')
  @ApiOperation({ summary: 'One device: its protocol and connection settings (an OPC UA password is never returned: password_set)' })
  getOne(@Param('id') id: string): DeviceDto {
    return publicDevice(this.admin.getDevice(id));
  }

  @Get(':id/browse')
  @Roles('admin')
  @ApiOperation({
    summary: "Browse an OPC UA server's address space: the Objects and Variables below a node",
    description:
      'node: a NodeId (e.g. ns=1;s=Plant), default the Objects folder (i=85). Variables carry data_type, value_rank, ' +
      'readable (IDM can bind a tag to it: a numeric or Boolean scalar) and, where the server has them, engineering_units and eu_range. ' +
      '409 for a device that is not OPC UA, 404 for an unknown node, 502 when the server cannot be reached or refuses IDM (e.g. its certificate is not trusted yet: the message names it).',
  })
  @ApiQuery({ name: 'node', required: false, example: 'ns=1;s=Plant' })
  @ApiOkResponse({ description: 'the children of the node' })
  @ApiConflictResponse({ description: 'the device is not an OPC UA device' })
  @ApiNotFoundResponse({ description: 'no such device, or no such node on its server' })
  @ApiBadGatewayResponse({ description: 'the server cannot be reached or refuses IDM (the message says why, e.g. which certificate to trust)' })
  async browse(@Param('id') id: string, @Query() query: Record<string, unknown>): Promise<OpcuaBrowseNodeDto[]> {
    const unknown = Object.keys(query).filter((k) => k !== 'node');
    if (unknown.length) {
      throw new BadRequestException({ message: `${unknown[0]} is not a parameter of browse (only node)`, details: unknown.map((field) => ({ field, rule: 'whitelist', message: `${field} is not a parameter of browse` })) });
    }
    const node = query.node;
    const idError = node === undefined ? null : nodeIdError(node)?.replace(/^node_id/, 'node');
    if (idError) throw new BadRequestException({ message: idError, details: [{ field: 'node', rule: 'isNodeId', message: idError }] });
    const device = this.admin.getDevice(id);
    if (!isOpcuaDevice(device)) throw new ConflictException({ message: `device "${id}" speaks ${device.protocol}, not OPC UA: it has no address space to browse` });
    try {
      return await this.opcua.browse(device, node as string | undefined);
    } catch (err) {
      const message = (err as Error).message;
      if (err instanceof OpcuaServerUnreachableError) throw new BadGatewayException({ message: `device "${id}": ${message}` });
      if (/BadNodeIdUnknown|BadNodeIdInvalid/.test(message)) throw new NotFoundException({ message: `node ${String(node)} does not exist on device "${id}"` });
      throw new BadGatewayException({ message: `device "${id}": browse failed: ${message.split('\n')[0]}` });
    }
  }

  @Get(':id/discovered')
  @Roles('admin')
  @ApiOperation({
    summary: 'The metrics the edge nodes of a Sparkplug B device announced in their births since its connection started, for adopting as tags',
    description: 'Each with its edge node, device, alias, datatype, unit (engUnit) and the tag already bound to it (sensor_id, null if none). 409 for a device that is not MQTT in sparkplug mode.',
  })
  @ApiOkResponse({ description: 'the metrics announced in births' })
  @ApiConflictResponse({ description: 'the device is not an MQTT device in sparkplug mode' })
  discovered(@Param('id') id: string): SparkplugMetricDto[] {
    const device = this.admin.getDevice(id);
    if (!isMqttDevice(device) || device.mode !== 'sparkplug') {
      throw new ConflictException({ message: `device "${id}" is not an MQTT device in sparkplug mode: it discovers no metrics` });
    }
    const bound = new Map<string, string>();
    for (const t of this.registry.tagsOfDevice(id)) {
      const b = mqttBinding(t);
      if (b?.metric) bound.set(`${b.edge_node_id}\u0000${b.device_id ?? ''}\u0000${b.metric}`, t.sensor_id);
    }
    return this.mqtt.discovered(id).map((m) => ({ ...m, sensor_id: bound.get(`${m.edge_node_id}\u0000${m.device_id ?? ''}\u0000${m.name}`) ?? null }));
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
