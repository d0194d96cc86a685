import { SetMetadata } from '@nestjs/common';

export const SCRAPE_TOKEN_KEY = 'idm:scrapeToken';

/**
 * Also lets a scraper in with `Authorization: Bearer <METRICS_TOKEN>` (Prometheus cannot log in); signed-in
 * users pass as on any other route.
 */
export const AcceptsScrapeToken = (): MethodDecorator & ClassDecorator => SetMetadata(SCRAPE_TOKEN_KEY, true);
