/** Screen addresses that one feature links to in another (features never import each other). */

/** The alarms view with this alarm picked out (its row marked and its history open). */
export const alarmPath = (alarmId: string): string => `/alarms?alarm=${encodeURIComponent(alarmId)}`;

/** The anomaly history of one sensor. */
export const anomalyHistoryPath = (sensorId: string): string => `/anomalies?sensor_id=${encodeURIComponent(sensorId)}`;

/** The multi-pen trend with these pens (a shareable view). */
export const trendPath = (sensorIds: readonly string[], range = '1h'): string => `/trends?pens=${encodeURIComponent(sensorIds.join(','))}&range=${range}`;

/** The asset view: its sensors' trends aligned, its health statistic and episodes. */
export const assetPath = (assetId: string): string => `/assets/${encodeURIComponent(assetId)}`;
