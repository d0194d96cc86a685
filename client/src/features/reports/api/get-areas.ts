import { getTags } from '../../../lib/tags-api';

/**
 * The plant areas a report can be scoped to: the distinct `area` of the registered tags (`GET /tags`),
 * sorted. The server matches a report's area exactly against these, so the form offers only them.
 */
export async function getAreas(): Promise<string[]> {
  const tags = await getTags();
  return [...new Set(tags.map((t) => t.area).filter(Boolean))].sort((a, b) => a.localeCompare(b));
}
