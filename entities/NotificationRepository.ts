import type { Notification } from './Notification.js';
import { PagedRepository, type Page, type PageRequest } from './pagination.js';

export class NotificationRepository extends PagedRepository<Notification> {
  /** One user's notifications, newest first. */
  page(organizationId: string, userId: string, unreadOnly: boolean, page: PageRequest): Promise<Page<Notification>> {
    const where = unreadOnly ? { userId, readAt: null } : { userId };
    return this.findPage(where, { column: 'createdAt', direction: 'desc' }, page, organizationId);
  }
}
