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
  @ApiOperation({ summary: 'Liveness and dependencies: 200 when MongoDB and Redis answer, 503 naming the failing one' })
  @ApiOkResponse({ description: 'ok or degraded' })
  @ApiServiceUnavailableResponse({ description: 'a dependency is down; `message` names it' })
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthResponse> {
    const components = await this.registry.run();
    const down = Object.entries(components).filter(([, c]) => c.status === 'down');
    const degraded = Object.entries(components).filter(([, c]) => c.status === 'degraded');
    const status = down.length ? 'down' : degraded.length ? 'degraded' : 'ok';
    res.status(down.length ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK);
    const message = down.length
      ? `${down.map(([n, c]) => `${n} is down${c.message ? ` (${c.message})` : ''}`).join('; ')}`
      : degraded.length
        ? `${degraded.map(([n, c]) => `${n} is degraded${c.message ? ` (${c.message})` : ''}`).join('; ')}`
        : 'all components answer';
    return { status, message, components, uptime_s: Math.round(process.uptime()) };
  }
}
