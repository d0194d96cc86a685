import { BadRequestException, Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TrendGroupDto } from '@idm/contracts';
import { AuthUser, CurrentUser } from '@idm/core';
import { TrendGroupBody, TrendGroupsBody } from './trend-groups.dto';
import { TrendGroupsRepository } from './trend-groups.repository';

/** Each user's saved trend groups (any signed-in user, their own only; not a plant write). */
@ApiTags('trends')
@ApiBearerAuth('access-token')
@Controller('trends/groups')
export class TrendGroupsController {
  constructor(private readonly repo: TrendGroupsRepository) {}

  @Get()
  @ApiOperation({ summary: 'My saved trend groups, by name' })
  @ApiOkResponse({ type: TrendGroupBody, isArray: true })
  async list(@CurrentUser() user: AuthUser): Promise<TrendGroupDto[]> {
    return this.repo.load(user.id);
  }

  @Put()
  @ApiOperation({ summary: 'Replace my saved trend groups (at most 50; names unique)' })
  @ApiOkResponse({ type: TrendGroupBody, isArray: true })
  async save(@CurrentUser() user: AuthUser, @Body() body: TrendGroupsBody): Promise<TrendGroupDto[]> {
    const names = new Set<string>();
    body.groups.forEach((g, i) => {
      if (names.has(g.name)) {
        const message = `groups[${i}].name "${g.name}" is used twice: names must be unique`;
        throw new BadRequestException({ message, details: [{ field: `groups[${i}].name`, rule: 'unique', message }] });
      }
      names.add(g.name);
    });
    const groups = [...body.groups].sort((a, b) => a.name.localeCompare(b.name));
    await this.repo.save(user.id, groups);
    return groups.map((g) => ({ name: g.name, pens: [...g.pens], axes: g.axes, range: g.range }));
  }
}
