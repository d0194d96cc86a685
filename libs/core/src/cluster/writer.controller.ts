import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { WriterChangedEvent } from '@idm/contracts';
import { Public } from '../security/public.decorator';
import { WriterRole } from './writer-role';

@ApiTags('operations')
@Controller('health')
export class WriterController {
  constructor(private readonly role: WriterRole) {}

  @Public()
  @Get('writer')
  @ApiOperation({ summary: 'Readiness for plant writes (load balancers): 200 only on the writer instance; the body names the writer either way' })
  @ApiOkResponse({ description: 'this instance is the writer (IDM_ROLE=all, or elected with IDM_ROLE=auto)' })
  @ApiServiceUnavailableResponse({ description: 'a standby or screens-only instance; `writer.url` is where plant writes go (null while no writer is known)' })
  writer(@Res({ passthrough: true }) res: Response): WriterChangedEvent {
    const now = this.role.current();
    res.status(now.is_writer ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return now;
  }
}
