import { Module } from '@nestjs/common';
import { PresenceLog } from './presence-log.service';
import { PresenceService } from './presence.service';

@Module({
  providers: [PresenceService, PresenceLog],
  exports: [PresenceLog],
})
export class PresenceModule {}
