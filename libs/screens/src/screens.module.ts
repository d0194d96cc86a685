import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AlarmsModule } from '@idm/alarms';
import { IngestionModule } from '@idm/ingestion';
import { Screen, ScreenSchema, ScreenVersion, ScreenVersionSchema } from './screen.schema';
import { ScreensController } from './screens.controller';
import { ScreensImport } from './screens-import';
import { ScreensRepository } from './screens.repository';
import { ScreensService } from './screens.service';

/** Process graphics: SVG screens bound to tags, sanitised and versioned (README "Process graphics"). */
@Module({
  imports: [
    IngestionModule,
    AlarmsModule,
    MongooseModule.forFeature([
      { name: Screen.name, schema: ScreenSchema },
      { name: ScreenVersion.name, schema: ScreenVersionSchema },
    ]),
  ],
  controllers: [ScreensController],
  providers: [ScreensRepository, ScreensService, ScreensImport],
  exports: [ScreensService],
})
export class ScreensModule {}
