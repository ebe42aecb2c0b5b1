import { Injectable } from '@nestjs/common';

/** Set when SIGTERM arrives: readiness turns 503 so the load balancer stops sending work. */
@Injectable()
export class ShutdownState {
  shuttingDown = false;
}
