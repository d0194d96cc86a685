import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ANOMALY_SEVERITIES, ANOMALY_TYPES, CHECK_STATUSES, EPISODE_TYPES } from '@idm/contracts';
import type { AnomalyCheckResponse, AnomalyEpisode, AnomalyEvidence, AnomalyHistoryPage, AnomalySeverity, AnomalyType, AnomalyVerdict, CheckStatus, EpisodeType } from '@idm/contracts';

/** OpenAPI shape of `AnomalyEvidence` (the wire types live in @idm/contracts). */
export class AnomalyEvidenceResponse implements AnomalyEvidence {
  @ApiProperty({ type: Number, nullable: true }) expected_lo!: number | null;
  @ApiProperty({ type: Number, nullable: true }) expected_hi!: number | null;
  @ApiProperty({ description: "the detector's statistic (z, CUSUM sum, run length, value...)" }) statistic!: number;
  @ApiProperty({ description: 'statistic ≥ threshold ⇔ score ≥ 0.5' }) threshold!: number;
  @ApiPropertyOptional({ example: 'hi limit 80 crossed' }) detail?: string;
  @ApiPropertyOptional({ description: "multivariate episodes: the asset's sensors by share of the deviation, largest first", example: [{ sensor_id: 'FT-101', share: 0.7 }] })
  contributions?: { sensor_id: string; share: number }[];
}

/** OpenAPI shape of `AnomalyEpisode`. */
export class AnomalyEpisodeResponse implements AnomalyEpisode {
  @ApiProperty({ example: 'TT-101|1767225600000' }) id!: string;
  @ApiProperty() sensor_id!: string;
  @ApiProperty({ format: 'date-time', description: 'first anomalous sample' }) timestamp!: string;
  @ApiProperty({ enum: EPISODE_TYPES }) anomaly_type!: EpisodeType;
  @ApiProperty({ description: 'its alarm returned to normal and was acknowledged' }) resolved!: boolean;
  @ApiProperty({ description: 'highest score in the episode' }) score!: number;
  @ApiProperty({ enum: ANOMALY_SEVERITIES }) severity!: AnomalySeverity;
  @ApiProperty({ type: AnomalyEvidenceResponse }) evidence!: AnomalyEvidenceResponse;
  @ApiProperty({ format: 'date-time', description: 'last anomalous sample so far (the end once closed); while active, refreshed every few seconds' }) end_timestamp!: string;
  @ApiProperty({ description: 'anomalous samples (so far, while active)' }) samples!: number;
  @ApiProperty({ description: 'still going on: true from its opening until the detector closes it (not the same as resolved)' }) active!: boolean;
  @ApiPropertyOptional({ type: String, nullable: true }) area?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'multivariate episodes: the asset (sensor_id is asset:<asset_id>)' }) asset_id?: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'sensor:TT-101|limit', description: 'the alarm raised for this episode; null while none was' })
  alarm_id!: string | null;
}

/** OpenAPI shape of `AnomalyHistoryPage`. */
export class AnomalyHistoryPageResponse implements AnomalyHistoryPage {
  @ApiProperty({ type: [AnomalyEpisodeResponse] }) items!: AnomalyEpisodeResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as `cursor` for the next (older) page' }) next_cursor!: string | null;
}

/** OpenAPI shape of `AnomalyVerdict`. */
export class AnomalyVerdictResponse implements AnomalyVerdict {
  @ApiProperty() sensor_id!: string;
  @ApiProperty({ description: 'epoch ms' }) timestamp!: number;
  @ApiProperty() value!: number;
  @ApiProperty({ description: '0 = normal … 1 = certainly anomalous; 0.5 is the threshold' }) score!: number;
  @ApiProperty({
    enum: CHECK_STATUSES,
    description: 'normal / anomaly as judged; learning: the detector is still warming up (never called normal before it has learned); training: a known-normal sample (train_until / train_samples), learned, not judged',
  })
  status!: CheckStatus;
  @ApiPropertyOptional({ description: 'with learning: samples still needed after this one before the detector judges (0: the next one is judged)' }) samples_to_learn?: number;
  @ApiProperty({ enum: ANOMALY_TYPES, nullable: true }) anomaly_type!: AnomalyType | null;
  @ApiProperty({ type: AnomalyEvidenceResponse, nullable: true }) evidence!: AnomalyEvidenceResponse | null;
}

/** OpenAPI shape of `AnomalyCheckResponse`. */
export class AnomalyCheckResponseDto implements AnomalyCheckResponse {
  @ApiProperty() sensor_id!: string;
  @ApiProperty({ type: [AnomalyVerdictResponse], description: 'one per sample, in order' }) verdicts!: AnomalyVerdictResponse[];
  @ApiProperty({ type: [AnomalyEpisodeResponse], description: 'episodes formed by the judged samples' }) episodes!: AnomalyEpisodeResponse[];
  @ApiProperty({ description: 'episodes were stored (store=true)' }) stored!: boolean;
  @ApiProperty({ description: 'samples learned as known normal (train_until / train_samples)' }) trained!: number;
  @ApiProperty({ description: 'samples the detector still needs after this batch before it judges (0: it judges)' }) samples_to_learn!: number;
}
