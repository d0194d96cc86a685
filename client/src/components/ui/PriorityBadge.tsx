import type { AlarmPriorityName } from '@idm/contracts';

const LABEL: Record<AlarmPriorityName, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' };
const NUMBER: Record<AlarmPriorityName, string> = { critical: '1', high: '2', medium: '3', low: '4' };

/**
 * Alarm priority by colour AND shape AND text (ISA-101: never colour alone): critical a red diamond,
 * high an orange triangle, medium a yellow square, low a violet circle, each with its number.
 */
export function PriorityBadge({ priority, unacked = true }: { priority: AlarmPriorityName; unacked?: boolean }) {
  return (
    <span className={`prio prio-${priority}${unacked ? ' prio-unacked' : ''}`} title={`${LABEL[priority]} priority`}>
      <svg viewBox="0 0 20 20" width="1.25em" height="1.25em" aria-hidden="true">
        {priority === 'critical' && <polygon points="10,1 19,10 10,19 1,10" />}
        {priority === 'high' && <polygon points="10,1.5 19,18 1,18" />}
        {priority === 'medium' && <rect x="2" y="2" width="16" height="16" />}
        {priority === 'low' && <circle cx="10" cy="10" r="8.5" />}
        <text x="10" y={priority === 'high' ? 15.5 : 14} textAnchor="middle">
          {NUMBER[priority]}
        </text>
      </svg>
      <span className="prio-label">{LABEL[priority]}</span>
    </span>
  );
}
