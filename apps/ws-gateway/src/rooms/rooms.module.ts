import { Module } from '@nestjs/common';
import { ChatLog } from '@live/chat-data-access';
import { OverlaysModule } from '../overlays/overlays.module';
import { PresenceModule } from '../presence/presence.module';
import { RoomsGateway } from './rooms.gateway';
import { RoomsService } from './rooms.service';

@Module({
  imports: [OverlaysModule, PresenceModule],
  providers: [ChatLog, RoomsService, RoomsGateway],
})
export class RoomsModule {}
