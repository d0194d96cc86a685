import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ANOMALY_SEVERITIES, ANOMALY_TYPES } from '@idm/contracts';
import type { AnomalyEpisode, AnomalyEvidence, AnomalyHistoryPage, AnomalySeverity, AnomalyType } from '@idm/contracts';

/** OpenAPI shape of `AnomalyEvidence` (the wire types live in @idm/contracts). */
export class AnomalyEvidenceResponse implements AnomalyEvidence {
  @ApiProperty({ type: Number, nullable: true }) expected_lo!: number | null;
  @ApiProperty({ type: Number, nullable: true }) expected_hi!: number | null;
  @ApiProperty({ description: "the detector's statistic (z, CUSUM sum, run length, value...)" }) statistic!: number;
  @ApiProperty({ description: 'statistic ≥ threshold ⇔ score ≥ 0.5' }) threshold!: number;
  @ApiPropertyOptional({ example: 'hi limit 80 crossed' }) detail?: string;
}

/** OpenAPI shape of `AnomalyEpisode`. */
export class AnomalyEpisodeResponse implements AnomalyEpisode {
  @ApiProperty({ example: 'TT-101|1767225600000' }) id!: string;
  @ApiProperty() sensor_id!: string;
  @ApiProperty({ format: 'date-time', description: 'first anomalous sample' }) timestamp!: string;
  @ApiProperty({ enum: ANOMALY_TYPES }) anomaly_type!: AnomalyType;
  @ApiProperty({ description: 'its alarm returned to normal and was acknowledged' }) resolved!: boolean;
  @ApiProperty({ description: 'highest score in the episode' }) score!: number;
  @ApiProperty({ enum: ANOMALY_SEVERITIES }) severity!: AnomalySeverity;
  @ApiProperty({ type: AnomalyEvidenceResponse }) evidence!: AnomalyEvidenceResponse;
  @ApiProperty({ format: 'date-time', description: 'last anomalous sample so far (the end once closed); while active, refreshed every few seconds' }) end_timestamp!: string;
  @ApiProperty({ description: 'anomalous samples (so far, while active)' }) samples!: number;
  @ApiProperty({ description: 'still going on: true from its opening until the detector closes it (not the same as resolved)' }) active!: boolean;
  @ApiPropertyOptional({ type: String, nullable: true }) area?: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'sensor:TT-101|limit', description: 'the alarm raised for this episode; null while none was' })
  alarm_id!: string | null;
}

/** OpenAPI shape of `AnomalyHistoryPage`. */
export class AnomalyHistoryPageResponse implements AnomalyHistoryPage {
  @ApiProperty({ type: [AnomalyEpisodeResponse] }) items!: AnomalyEpisodeResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as `cursor` for the next (older) page' }) next_cursor!: string | null;
}
