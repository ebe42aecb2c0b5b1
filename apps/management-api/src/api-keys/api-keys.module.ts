import { Global, Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeyOrJwtGuard } from './api-keys.guard';
import { ApiKeysService } from './api-keys.service';

/** Global: any feature may put ApiKeyOrJwtGuard on the routes a shop calls. */
@Global()
@Module({
  controllers: [ApiKeysController],
  providers: [ApiKeysService, ApiKeyOrJwtGuard],
  exports: [ApiKeysService, ApiKeyOrJwtGuard],
})
export class ApiKeysModule {}
