import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { HealthResponse } from '@idm/contracts';
import { Public } from '../security/public.decorator';
import { HealthRegistry } from './health-registry';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Liveness and dependencies: 200 `ok`, 200 `degraded` (e.g. the database is down: IDM journals, polls and alarms from memory), 503 `down` naming the failing essential component' })
  @ApiOkResponse({ description: 'ok or degraded; `components.<name>.status` tells which part is degraded or down' })
  @ApiServiceUnavailableResponse({ description: 'an essential dependency (Redis) is down; `message` names it' })
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthResponse> {
    const components = await this.registry.run();
    const down = Object.entries(components).filter(([n, c]) => c.status === 'down' && this.registry.isEssential(n));
    const degraded = Object.entries(components).filter(([n, c]) => c.status === 'degraded' || (c.status === 'down' && !this.registry.isEssential(n)));
    const status = down.length ? 'down' : degraded.length ? 'degraded' : 'ok';
    res.status(down.length ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK);
    const message = down.length
      ? `${down.map(([n, c]) => `${n} is down${c.message ? ` (${c.message})` : ''}`).join('; ')}`
      : degraded.length
        ? `${degraded.map(([n, c]) => `${n} is ${c.status}${c.message ? ` (${c.message})` : ''}`).join('; ')}`
        : 'all components answer';
    return { status, message, components, uptime_s: Math.round(process.uptime()) };
  }
}
