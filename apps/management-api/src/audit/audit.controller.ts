import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AllowRoles, JwtAuthGuard } from '@live/auth';
import { AuditLogEntity } from '@live/management-data-access';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Dto, ZodPipe, v } from '../common/validation';

const AuditQuery = z
  .object({
    broadcastId: v.uuid('broadcastId').optional(),
    actorId: z.string().max(128).optional(),
    limit: z.coerce.number({ error: 'must be a number' }).int().min(1, 'must be 1-200').max(200, 'must be 1-200').default(50),
    /** the `nextCursor` of the previous page */
    cursor: z.string().regex(/^\d{1,19}$/, 'must be a cursor this API handed out').optional(),
  })
  .strict();
type AuditQuery = z.infer<typeof AuditQuery>;

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
@UseGuards(JwtAuthGuard)
@AllowRoles('admin')
export class AuditController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'Every operator action, newest first (admins only)' })
  @ApiQuery({ name: 'broadcastId', required: false })
  @ApiQuery({ name: 'actorId', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  async list(@Query(new ZodPipe(AuditQuery)) q: Dto<typeof AuditQuery>) {
    const qb = this.dataSource.getRepository(AuditLogEntity).createQueryBuilder('a');
    if (q.broadcastId) qb.andWhere('a.broadcast_id = :b', { b: q.broadcastId });
    if (q.actorId) qb.andWhere('a.actor_id = :actor', { actor: q.actorId });
    if (q.cursor) qb.andWhere('a.id < :cursor', { cursor: q.cursor });
    const rows = await qb.orderBy('a.id', 'DESC').take(q.limit + 1).getMany();
    const items = rows.slice(0, q.limit).map((a) => ({
      id: a.id,
      at: a.at.toISOString(),
      actorId: a.actorId,
      actorRoles: a.actorRoles,
      action: a.action,
      targetType: a.targetType,
      targetId: a.targetId,
      broadcastId: a.broadcastId,
      details: a.details,
      correlationId: a.correlationId,
    }));
    return { items, nextCursor: rows.length > q.limit ? items[items.length - 1].id : null };
  }
}
