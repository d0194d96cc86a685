import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AlarmDetailDto, AlarmDto, AlarmJournalPageDto } from '@idm/contracts';
import { AuthUser, CurrentUser, PlantWrite, Roles } from '@idm/core';
import { AlarmJournalService } from './alarm-journal.service';
import { AlarmsService } from './alarms.service';
import { AlarmJournalPageResponse, AlarmJournalQueryDto } from './dto/alarm-journal.dto';
import { AcknowledgeDto, AlarmListQueryDto, BulkAcknowledgeDto, CommentDto, OutOfServiceDto, ShelveDto } from './dto/alarm-actions.dto';
import { AlarmDetailResponse, AlarmResponse } from './dto/alarm.dto';

/** The alarm state machine refuses an action its state does not allow (ISA-18.2: e.g. acknowledging twice). */
const NOT_NOW = { description: 'the alarm is not in a state that allows this action (the message says why)' };

@ApiTags('alarms')
@ApiBearerAuth('access-token')
@Controller('alarms')
@PlantWrite() // every alarm action (the POST routes); reads stay open on a screens-only instance
export class AlarmsController {
  constructor(
    private readonly alarms: AlarmsService,
    private readonly journal: AlarmJournalService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Alarms needing attention, by priority then newest (any signed-in user)' })
  @ApiOkResponse({ type: AlarmResponse, isArray: true })
  list(@Query() q: AlarmListQueryDto): AlarmDto[] {
    return this.alarms.list(q);
  }

  @Post('acknowledge')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: 'Acknowledge several alarms (operator or above)' })
  acknowledgeMany(@Body() body: BulkAcknowledgeDto, @CurrentUser() user: AuthUser) {
    return this.alarms.acknowledgeMany(body.ids, user.username, body.comment);
  }

  // Before `:id`, which would take "journal" for an alarm id.
  @Get('journal')
  @ApiOperation({
    summary: 'Alarm journal: every alarm event of a range (default: the last 8 h), searched, paginated; format=csv exports all of it (any signed-in user)',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: AlarmJournalPageResponse, description: 'a page of events, or with format=csv every matching event as text/csv (attachment named with the range)' })
  @ApiBadRequestResponse({ description: 'a parameter is not valid, from is not before to, or the range is longer than 31 days (details name the field)' })
  @ApiUnprocessableEntityResponse({ description: 'more than 100 000 events in the range: narrow it' })
  async journalPage(@Query() q: AlarmJournalQueryDto, @Res({ passthrough: true }) res: Response): Promise<AlarmJournalPageDto | string> {
    if (q.format !== 'csv') return this.journal.page(q);
    const file = await this.journal.csv(q, q.tz ?? 'UTC');
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${file.filename}"`);
    return file.body;
  }

  @Get(':id')
  @ApiOperation({ summary: 'One alarm with its history and comments (any signed-in user)' })
  @ApiOkResponse({ type: AlarmDetailResponse })
  detail(@Param('id') id: string): Promise<AlarmDetailDto> {
    return this.alarms.detail(id);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: 'Acknowledge an alarm (operator or above)' })
  @ApiUnprocessableEntityResponse(NOT_NOW)
  @ApiOkResponse({ type: AlarmResponse })
  acknowledge(@Param('id') id: string, @Body() body: AcknowledgeDto, @CurrentUser() user: AuthUser): Promise<AlarmDto> {
    return this.alarms.acknowledge(id, user.username, body.comment);
  }

  @Post(':id/shelve')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: 'Shelve an alarm for a time, with a reason (operator or above)' })
  @ApiUnprocessableEntityResponse(NOT_NOW)
  @ApiOkResponse({ type: AlarmResponse })
  shelve(@Param('id') id: string, @Body() body: ShelveDto, @CurrentUser() user: AuthUser): Promise<AlarmDto> {
    return this.alarms.shelve(id, user.username, body.duration_minutes * 60_000, body.reason);
  }

  @Post(':id/unshelve')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: 'Unshelve an alarm (operator or above)' })
  @ApiUnprocessableEntityResponse(NOT_NOW)
  @ApiOkResponse({ type: AlarmResponse })
  unshelve(@Param('id') id: string, @CurrentUser() user: AuthUser): Promise<AlarmDto> {
    return this.alarms.unshelve(id, user.username);
  }

  @Post(':id/comments')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: 'Comment on an alarm (operator or above)' })
  @ApiOkResponse({ type: AlarmResponse })
  comment(@Param('id') id: string, @Body() body: CommentDto, @CurrentUser() user: AuthUser): Promise<AlarmDto> {
    return this.alarms.comment(id, user.username, body.text);
  }

  @Post(':id/out-of-service')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'Take an alarm out of service, e.g. for maintenance (supervisor or above)' })
  @ApiUnprocessableEntityResponse(NOT_NOW)
  @ApiOkResponse({ type: AlarmResponse })
  removeFromService(@Param('id') id: string, @Body() body: OutOfServiceDto, @CurrentUser() user: AuthUser): Promise<AlarmDto> {
    return this.alarms.removeFromService(id, user.username, body.reason);
  }

  @Post(':id/return-to-service')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'Return an alarm to service (supervisor or above)' })
  @ApiUnprocessableEntityResponse(NOT_NOW)
  @ApiOkResponse({ type: AlarmResponse })
  returnToService(@Param('id') id: string, @CurrentUser() user: AuthUser): Promise<AlarmDto> {
    return this.alarms.returnToService(id, user.username);
  }
}
