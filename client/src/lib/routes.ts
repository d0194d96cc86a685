/** Screen addresses that one feature links to in another (features never import each other). */

/** The alarms view with this alarm picked out (its row marked and its history open). */
export const alarmPath = (alarmId: string): string => `/alarms?alarm=${encodeURIComponent(alarmId)}`;

/** The anomaly history of one sensor. */
export const anomalyHistoryPath = (sensorId: string): string => `/anomalies?sensor_id=${encodeURIComponent(sensorId)}`;
