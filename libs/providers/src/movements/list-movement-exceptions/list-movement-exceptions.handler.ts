import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { MovementExceptionRepository } from '../movement-exception.repository';
import { toMovementExceptionView } from '../movement-exception-view';
import { ListMovementExceptionsQuery } from './list-movement-exceptions.query';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

/** A cursor that does not decode is the end of the list, never an error deep in SQL. */
function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [time, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(time ?? '');
  return id && UUID.test(id) && !Number.isNaN(createdAt.getTime())
    ? { createdAt, id }
    : { createdAt: new Date(0), id: '00000000-0000-0000-0000-000000000000' };
}

@QueryHandler(ListMovementExceptionsQuery)
export class ListMovementExceptionsHandler implements IQueryHandler<ListMovementExceptionsQuery> {
  constructor(private readonly exceptions: MovementExceptionRepository) {}

  async execute({ status, limit, cursor }: ListMovementExceptionsQuery) {
    const rows = await this.exceptions.list({
      status,
      limit: limit + 1,
      ...(cursor && { after: decodeCursor(cursor) }),
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      exceptions: page.map(toMovementExceptionView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }
}
