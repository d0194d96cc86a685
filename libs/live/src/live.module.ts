import { Module } from '@nestjs/common';
import { IngestionModule } from '@idm/ingestion';
import { LiveGateway } from './live.gateway';
import { LiveSamples } from './live-samples';

/**
 * Live samples for the screens: a sink of the ingestion pipeline that pushes each subscribed sensor's
 * samples over Socket.IO, throttled per subscription. Knows nothing of alarms or of the sample's source.
 */
@Module({
  // SocketAuth comes from the global AuthModule.
  imports: [IngestionModule],
  providers: [LiveSamples, LiveGateway],
  exports: [LiveSamples],
})
export class LiveModule {}
