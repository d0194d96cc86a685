/** MQTT topic filters (MQTT 3.1.1 / 5 §4.7): `+` matches one level, `#` (last) any number of levels, including none. */

/** Why a topic filter is unusable, or null. */
export function topicFilterError(filter: string): string | null {
  if (!filter) return 'topic must not be empty';
  if (filter.includes('\u0000')) return 'topic must not contain NUL';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i];
    if (l.includes('#') && (l !== '#' || i !== levels.length - 1)) return `topic "${filter}": # must be a whole level and the last one`;
    if (l.includes('+') && l !== '+') return `topic "${filter}": + must be a whole level`;
  }
  return null;
}

/** Whether `topic` (a published name, no wildcards) matches `filter`. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  // Topics starting with $ (broker internals) are not matched by a leading wildcard.
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
