import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { decodePageCursor, encodePageCursor } from '#monay/shared';
import { MovementExceptionRepository } from '../movement-exception.repository';
import { toMovementExceptionView } from '../movement-exception-view';
import { ListMovementExceptionsQuery } from './list-movement-exceptions.query';

@QueryHandler(ListMovementExceptionsQuery)
export class ListMovementExceptionsHandler implements IQueryHandler<ListMovementExceptionsQuery> {
  constructor(private readonly exceptions: MovementExceptionRepository) {}

  async execute({ status, limit, cursor }: ListMovementExceptionsQuery) {
    const rows = await this.exceptions.list({
      status,
      limit: limit + 1,
      ...(cursor && { after: decodePageCursor(cursor) }),
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      exceptions: page.map(toMovementExceptionView),
      nextCursor: rows.length > limit && last ? encodePageCursor(last.createdAt, last.id) : null,
    };
  }
}
