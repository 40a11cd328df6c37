import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * One query parameter as text, for pages: `?done=a&done=b` parses to a list (and `?done[x]=1` is refused as
 * hostile input before), which a page would hand on to a template expecting a string (a 500 from the GOV.UK
 * banner). A page asks only for single words and ids, so anything but one string reads as not given.
 */
export const QueryText = createParamDecorator(
  (name: string, context: ExecutionContext): string | undefined => {
    const value = context.switchToHttp().getRequest<Request>().query[name];
    return typeof value === 'string' ? value : undefined;
  },
);
