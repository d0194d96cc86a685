import { BadRequestException, Body, Controller, Get, HttpCode, HttpStatus, Param, Patch, PipeTransform, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '@idm/core';
import type { AuthUser } from '@idm/core';
import type { UserDto } from '@idm/contracts';
import { CreateUserDto, ResetPasswordDto, UpdateRolesDto } from '../dto/auth.dto';
import { UserResponse } from '../dto/user-response.dto';
import { UsersService } from './users.service';

/** `:id` must be an ObjectId: anything else is a 400 naming the parameter, never a query. */
class UserIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[0-9a-f]{24}$/.test(value)) {
      const message = 'id must be a user id (24 lower-case hex characters)';
      throw new BadRequestException({ message, details: [{ field: 'id', rule: 'isMongoId', message }] });
    }
    return value;
  }
}

@ApiTags('users')
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'List users' })
  @ApiOkResponse({ type: UserResponse, isArray: true })
  list(): Promise<UserDto[]> {
    return this.users.list();
  }

  @Post()
  @ApiOperation({ summary: 'Add a user with roles (also when self-registration is closed)' })
  @ApiCreatedResponse({ type: UserResponse })
  @ApiConflictResponse({ description: 'username or e-mail already taken (ignoring case)' })
  create(@Body() body: CreateUserDto): Promise<UserDto> {
    return this.users.create(body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One user' })
  @ApiParam({ name: 'id' })
  @ApiOkResponse({ type: UserResponse })
  get(@Param('id', UserIdPipe) id: string): Promise<UserDto> {
    return this.users.get(id);
  }

  @Patch(':id/roles')
  @ApiOperation({ summary: "Replace a user's roles (applies to their next request and open sockets)" })
  @ApiParam({ name: 'id' })
  @ApiOkResponse({ type: UserResponse })
  @ApiConflictResponse({ description: 'would leave IDM without an active admin' })
  setRoles(@CurrentUser() actor: AuthUser, @Param('id', UserIdPipe) id: string, @Body() body: UpdateRolesDto): Promise<UserDto> {
    return this.users.setRoles(actor, id, body.roles);
  }

  @Post(':id/password')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Reset a user's password (admin): every session and token of that user ends; they sign in with the new one" })
  @ApiParam({ name: 'id' })
  @ApiOkResponse({ type: UserResponse })
  @ApiBadRequestResponse({ description: 'new_password breaks the password policy' })
  resetPassword(@CurrentUser() actor: AuthUser, @Param('id', UserIdPipe) id: string, @Body() body: ResetPasswordDto): Promise<UserDto> {
    return this.users.resetPassword(actor, id, body.new_password);
  }

  @Post(':id/disable')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Disable a user: their tokens stop working at once and their sockets are disconnected' })
  @ApiParam({ name: 'id' })
  @ApiOkResponse({ type: UserResponse })
  @ApiConflictResponse({ description: 'yourself, or the last active admin' })
  disable(@CurrentUser() actor: AuthUser, @Param('id', UserIdPipe) id: string): Promise<UserDto> {
    return this.users.setDisabled(actor, id, true);
  }

  @Post(':id/enable')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Enable a disabled user again (they log in anew)' })
  @ApiParam({ name: 'id' })
  @ApiOkResponse({ type: UserResponse })
  enable(@CurrentUser() actor: AuthUser, @Param('id', UserIdPipe) id: string): Promise<UserDto> {
    return this.users.setDisabled(actor, id, false);
  }
}
