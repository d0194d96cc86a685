import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { IngestionModule } from '@idm/ingestion';
import { AnomaliesController } from './anomalies.controller';
import { AnomaliesRepository } from './anomalies.repository';
import { Anomaly, AnomalySchema, DetectorOverrideDoc, DetectorOverrideSchema, DetectorStateDoc, DetectorStateSchema } from './anomaly.schema';
import { DetectionService } from './detection.service';
import { AssetHealthService } from './assets/asset-health.service';
import { AssetHealthRepository } from './assets/asset-health.repository';
import { AssetHealthDoc, AssetHealthSchema } from './assets/asset-health.schema';
import { AssetDoc, AssetSchema } from './assets/asset.schema';
import { AssetsController } from './assets/assets.controller';
import { AssetsRepository } from './assets/assets.repository';
import { AssetsService } from './assets/assets.service';

// The anomalies model is owned here; reports read it through the exported model.
const models = MongooseModule.forFeature([
  { name: Anomaly.name, schema: AnomalySchema },
  { name: DetectorStateDoc.name, schema: DetectorStateSchema },
  { name: DetectorOverrideDoc.name, schema: DetectorOverrideSchema },
  { name: AssetDoc.name, schema: AssetSchema },
  { name: AssetHealthDoc.name, schema: AssetHealthSchema },
]);

@Module({
  imports: [models, IngestionModule],
  controllers: [AnomaliesController, AssetsController],
  providers: [AnomaliesRepository, DetectionService, AssetsRepository, AssetsService, AssetHealthService, AssetHealthRepository],
  // Reports read episodes through the service; the models stay private.
  exports: [DetectionService],
})
export class DetectionModule {}
