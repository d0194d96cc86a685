import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ScreenDto, ScreenSummaryDto, ScreenVersionDto, ScreenWriteResultDto } from '@idm/contracts';
import { AuthUser, CurrentUser, Roles } from '@idm/core';
import { CreateScreenDto, PatchBindingDto, RollbackScreenDto, UpdateScreenDto } from './dto/screen.dto';
import { ScreensService } from './screens.service';

const REFUSED = 'the drawing was refused (each dangerous element or attribute is a `details` entry on field `svg`), or a field is invalid';

@ApiTags('screens')
@ApiBearerAuth('access-token')
@Roles('admin')
@Controller('screens')
export class ScreensController {
  constructor(private readonly screens: ScreensService) {}

  @Post()
  @ApiCreatedResponse({ description: 'the screen, stored as version 1 (with what the sanitiser removed)' })
  @ApiOperation({ summary: 'Upload an SVG as a new process-graphics screen (admin); the answer lists what the sanitiser removed' })
  @ApiBadRequestResponse({ description: REFUSED })
  @ApiConflictResponse({ description: 'a screen with this id exists' })
  create(@Body() dto: CreateScreenDto, @CurrentUser() user?: AuthUser): Promise<ScreenWriteResultDto> {
    return this.screens.create(dto, user?.username ?? null);
  }

  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: 'All screens for the navigation tree: place, bound tags, unknown tags and active alarm count (any signed-in user)' })
  list(): Promise<ScreenSummaryDto[]> {
    return this.screens.list();
  }

  @Get(':id')
  @Roles('viewer')
  @ApiOperation({ summary: 'One screen: its current sanitised SVG, parsed bindings (unknown tags flagged) and binding problems (any signed-in user)' })
  get(@Param('id') id: string): Promise<ScreenDto> {
    return this.screens.get(id);
  }

  @Put(':id')
  @ApiOkResponse({ description: 'the screen with its new version' })
  @ApiOperation({ summary: 'Save a new version of a screen’s drawing (and optionally its name, area or parent) (admin)' })
  @ApiBadRequestResponse({ description: REFUSED })
  @ApiConflictResponse({ description: 'someone else saved a version meanwhile' })
  update(@Param('id') id: string, @Body() dto: UpdateScreenDto, @CurrentUser() user?: AuthUser): Promise<ScreenWriteResultDto> {
    return this.screens.update(id, dto, user?.username ?? null);
  }

  @Get(':id/versions')
  @ApiOperation({ summary: 'Version history of a screen, newest first: who, when, note (admin)' })
  versions(@Param('id') id: string): Promise<ScreenVersionDto[]> {
    return this.screens.versions(id);
  }

  @Post(':id/rollback')
  @ApiOkResponse({ description: 'the screen with a new version equal to the one rolled back to' })
  @HttpCode(200)
  @ApiConflictResponse({ description: 'someone else saved a version meanwhile' })
  @ApiOperation({ summary: 'Restore an earlier version: saved as a new version equal to it (admin)' })
  rollback(@Param('id') id: string, @Body() dto: RollbackScreenDto, @CurrentUser() user?: AuthUser): Promise<ScreenDto> {
    return this.screens.rollback(id, dto, user?.username ?? null);
  }

  @Patch(':id/bindings')
  @ApiOkResponse({ description: 'the screen with a new version carrying the binding' })
  @ApiOperation({ summary: 'Set, fix or remove the binding of one element by id: rewrites its data-idm-* attributes as a new version (admin)' })
  @ApiConflictResponse({ description: 'someone else saved a version meanwhile' })
  @ApiBadRequestResponse({ description: 'no such element, or the binding is invalid (the message says which rule)' })
  patchBinding(@Param('id') id: string, @Body() dto: PatchBindingDto, @CurrentUser() user?: AuthUser): Promise<ScreenDto> {
    return this.screens.patchBinding(id, dto, user?.username ?? null);
  }

  @Delete(':id')
  @ApiNoContentResponse({ description: 'the screen and its versions are deleted' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a screen and its versions (refused while it has child screens) (admin)' })
  @ApiConflictResponse({ description: 'the screen has child screens' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.screens.remove(id);
  }
}
