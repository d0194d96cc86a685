import { Controller, Get, Header } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AcceptsScrapeToken } from '../security/scrape-token.decorator';
import { MetricsService } from './metrics.service';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  // Not public: it names devices, sensors and users' activity. Prometheus sends METRICS_TOKEN as a bearer.
  @AcceptsScrapeToken()
  @ApiBearerAuth()
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOperation({ summary: 'Prometheus metrics (process, HTTP request durations, and each module\'s own)', description: 'Any signed-in user, or a scraper sending `Authorization: Bearer <METRICS_TOKEN>`.' })
  async scrape(): Promise<string> {
    return this.metrics.render();
  }
}
