package com.rglimits.ordering;

import com.rglimits.event.LimitEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The ordering buffer of one task: every held event, per user, in memory. It finds the users that
 * have a due event without visiting the others: events that arrived ahead of the watermark wait in
 * a queue by createdAt, events whose arrival hold is not over yet (see {@link EventOrdering}) in a
 * queue by its end. Which of a user's events are released is {@link EventOrdering}'s decision.
 *
 * <p>A user's held events live in the caller's own object for that user (a {@link Holder}), and each
 * held event points back to it: an arriving event costs its caller the one lookup of its user it
 * makes anyway, and a due event leads to its user without any lookup. With a hundred thousand users
 * those lookups were a fifth of the keyed operator's time (every one a cache miss).
 *
 * <p>It remembers which users' held events changed, so that only those are written to keyed state
 * when a checkpoint is taken. It does not remember users whose held events were all released: the
 * operator knows which users have held events in keyed state, and asks {@link #holds} of those.
 *
 * @param <U> the caller's per-user object
 */
public final class HoldingArea<U extends HoldingArea.Holder> {
    /**
     * The part of a caller's per-user object the holding area keeps: the user's held events, in
     * arrival order, and its place among the users that hold any.
     */
    public abstract static class Holder {
        /** Null when the user holds nothing. */
        List<HeldEvent> events;
        /** The held events changed since the last {@link #takeChanged}. */
        boolean changed;
        /** The last {@link #dueUsers} call that named this user: each is named once per call. */
        long namedIn;
        /** Neighbours in the list of users that hold events (that list is walked only when the stream is quiet and at checkpoints). */
        Holder previous;
        Holder next;

        /** Whether the user holds any event now. */
        public final boolean holdsEvents() {
            return events != null;
        }
    }

    private final long maxHoldMs;
    /** First of the users that hold events. */
    private Holder holders;
    /** By createdAt. */
    private final LongKeyHeap<HeldEvent> aheadOfWatermark = new LongKeyHeap<>();
    /** By notBefore. */
    private final LongKeyHeap<HeldEvent> inArrivalHold = new LongKeyHeap<>();
    private long size;
    private long dueCalls;

    public HoldingArea(long maxHoldMs) {
        this.maxHoldMs = maxHoldMs;
    }

    /**
     * Holds an event of the user that arrived now (see {@link EventOrdering#arriving}).
     *
     * @return true when it is due at once: it arrived behind the watermark and has no arrival hold (an
     *     unconfirmed jump never is: it waits for its verdict)
     */
    public boolean hold(U user, HeldEvent h, long watermark) {
        add(user, h);
        if (h.event.createdAt > watermark || EventOrdering.isUnconfirmedJump(h)) {
            aheadOfWatermark.add(h.event.createdAt, h);
            return false;
        }
        if (h.notBefore > h.arrivedAt) {
            inArrivalHold.add(h.notBefore, h);
            return false;
        }
        return true;
    }

    /** Holds an event of the user restored from a checkpoint: the watermark starts over after a restart. */
    public void restore(U user, LimitEvent e, long restartedAt) {
        HeldEvent h = EventOrdering.restored(e, restartedAt);
        add(user, h);
        aheadOfWatermark.add(h.event.createdAt, h);
    }

    private void add(U user, HeldEvent h) {
        h.holder = user;
        if (user.events == null) {
            user.events = new ArrayList<>(2);
            link(user);
        }
        user.events.add(h);
        user.changed = true;
        size++;
    }

    private void link(Holder user) {
        user.previous = null;
        user.next = holders;
        if (holders != null) {
            holders.previous = user;
        }
        holders = user;
    }

    /** The user holds nothing any more. */
    private void unlink(Holder user) {
        user.events = null;
        if (user.previous != null) {
            user.previous.next = user.next;
        } else {
            holders = user.next;
        }
        if (user.next != null) {
            user.next.previous = user.previous;
        }
        user.previous = null;
        user.next = null;
    }

    /** The users with at least one due event, each once, in the order found. */
    public List<U> dueUsers(long watermark, long now, long stillSince) {
        List<U> due = new ArrayList<>();
        long call = ++dueCalls;
        if (watermark == Long.MAX_VALUE) {
            for (Holder user = holders; user != null; user = user.next) {
                name(user, call, due);
            }
            return due;
        }
        while (!aheadOfWatermark.isEmpty() && aheadOfWatermark.peekKey() <= watermark) {
            HeldEvent h = aheadOfWatermark.poll();
            if (h.released) {
                continue;
            }
            if (now >= h.notBefore) {
                name(h.holder, call, due);
            } else {
                inArrivalHold.add(h.notBefore, h);
            }
        }
        while (!inArrivalHold.isEmpty() && inArrivalHold.peekKey() <= now) {
            HeldEvent h = inArrivalHold.poll();
            if (!h.released) {
                name(h.holder, call, due);
            }
        }
        if (now >= plus(stillSince, maxHoldMs)) {
            // The watermark has stood still for the bound: a quiet stream. Few events are held then.
            for (Holder user = holders; user != null; user = user.next) {
                for (HeldEvent h : user.events) {
                    if (now >= EventOrdering.holdDeadline(h, maxHoldMs, stillSince)) {
                        name(user, call, due);
                        break;
                    }
                }
            }
        }
        return due;
    }

    @SuppressWarnings("unchecked") // every holder was given to hold or restore as a U
    private void name(Holder user, long call, List<U> due) {
        if (user.namedIn != call) {
            user.namedIn = call;
            due.add((U) user);
        }
    }

    /**
     * Takes the user's due events out of the buffer, in apply order, and its expired unconfirmed
     * jumps (see {@link EventOrdering}), added to {@code expired}.
     */
    public List<LimitEvent> release(U user, long watermark, long now, long stillSince, List<LimitEvent> expired) {
        List<HeldEvent> held = user.events;
        if (held == null) {
            return List.of();
        }
        if (held.size() == 1) {
            // Most users hold one event at a time: no lists to build, nothing to sort.
            HeldEvent h = held.get(0);
            if (EventOrdering.isDue(h, watermark, now, maxHoldMs, stillSince)) {
                take(user, h);
                return List.of(h.event);
            }
            if (EventOrdering.hasExpired(h, watermark, now, maxHoldMs, stillSince)) {
                take(user, h);
                expired.add(h.event);
            }
            return List.of();
        }
        Release r = EventOrdering.release(held, watermark, now, maxHoldMs, stillSince);
        if (r.kept().size() == held.size()) {
            return r.due();
        }
        for (HeldEvent h : held) {
            h.released = true;
        }
        for (HeldEvent h : r.kept()) {
            h.released = false;
        }
        if (r.kept().isEmpty()) {
            unlink(user);
        } else {
            user.events = r.kept();
            user.changed = true;
        }
        size -= held.size() - r.kept().size();
        expired.addAll(r.expired());
        return r.due();
    }

    private void take(Holder user, HeldEvent h) {
        h.released = true;
        unlink(user);
        size--;
    }

    /**
     * Gives the arrival hold, until {@code now + hold}, to the user's held events that came within the
     * last {@code hold} without one: an event of the user came behind the watermark, and the events that
     * came just before it may be its neighbours from the same late split, which the watermark must not
     * release without it. An event's hold is never extended: a user's events behind the watermark do
     * not keep each other waiting.
     */
    public void holdBack(U user, long now, long hold) {
        if (user.events == null) {
            return;
        }
        for (HeldEvent h : user.events) {
            if (h.notBefore <= h.arrivedAt && h.arrivedAt >= now - hold) {
                h.notBefore = now + hold;
                inArrivalHold.add(h.notBefore, h);
            }
        }
    }

    /** The router confirmed the user's held jump {@code eventId}: an event like any other now. False when none is held. */
    public boolean confirm(U user, String eventId) {
        HeldEvent h = heldJump(user, eventId);
        if (h == null) {
            return false;
        }
        h.event.jumpedFrom = null;
        user.changed = true;
        return true;
    }

    /** Takes the user's held jump {@code eventId} out of the buffer (the router refuted it); null when none is held. */
    public LimitEvent refute(U user, String eventId) {
        HeldEvent h = heldJump(user, eventId);
        if (h == null) {
            return null;
        }
        h.released = true;
        size--;
        if (user.events.size() == 1) {
            unlink(user);
        } else {
            user.events.remove(h);
            user.changed = true;
        }
        return h.event;
    }

    /**
     * Takes out of the buffer the user's held event with this sequenceNumber, when one is held and is
     * not an unconfirmed jump (the first in {@link EventOrdering#APPLY_ORDER} should there be several);
     * null otherwise. For an event that became next in line for its user.
     */
    public LimitEvent takeWithSequence(U user, long sequenceNumber) {
        if (user.events == null) {
            return null;
        }
        HeldEvent found = null;
        for (HeldEvent h : user.events) {
            if (h.event.sequenceNumber == sequenceNumber && !EventOrdering.isUnconfirmedJump(h)
                    && (found == null || h.event.createdAt < found.event.createdAt)) {
                found = h;
            }
        }
        if (found == null) {
            return null;
        }
        found.released = true;
        size--;
        if (user.events.size() == 1) {
            unlink(user);
        } else {
            user.events.remove(found);
            user.changed = true;
        }
        return found.event;
    }

    private HeldEvent heldJump(U user, String eventId) {
        if (user.events != null) {
            for (HeldEvent h : user.events) {
                if (EventOrdering.isUnconfirmedJump(h) && h.event.eventId.equals(eventId)) {
                    return h;
                }
            }
        }
        return null;
    }

    /**
     * The earliest processing time at which an event can become due (or a held jump expire) without
     * the watermark moving, or {@link Long#MAX_VALUE}. While the watermark has stood still for the bound, that is now:
     * the bound is checked at every wake-up then.
     */
    public long nextWakeUp(long now, long stillSince) {
        while (!inArrivalHold.isEmpty() && inArrivalHold.peek().released) {
            inArrivalHold.poll();
        }
        long next = inArrivalHold.isEmpty() ? Long.MAX_VALUE : inArrivalHold.peekKey();
        if (holders != null) {
            next = Math.min(next, Math.max(now, plus(stillSince, maxHoldMs)));
        }
        return next;
    }

    /** Whether an event of the user with this eventId is held now. */
    public boolean isHeld(U user, String eventId) {
        List<HeldEvent> held = user.events;
        if (held != null) {
            // A String keeps its hash: comparing it first spares most of the character comparisons.
            int hash = eventId.hashCode();
            for (HeldEvent h : held) {
                if (h.event.eventId.hashCode() == hash && h.event.eventId.equals(eventId)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The user's held events, in arrival order (empty when none). */
    public List<LimitEvent> heldOf(U user) {
        if (user.events == null) {
            return List.of();
        }
        List<LimitEvent> events = new ArrayList<>(user.events.size());
        user.events.forEach(h -> events.add(h.event));
        return events;
    }

    /** The users that hold events now whose held events changed since the last call. */
    @SuppressWarnings("unchecked") // every holder was given to hold or restore as a U
    public List<U> takeChanged() {
        List<U> out = new ArrayList<>();
        for (Holder user = holders; user != null; user = user.next) {
            if (user.changed) {
                user.changed = false;
                out.add((U) user);
            }
        }
        return out;
    }

    /**
     * Reads what releasing the user's due events will read of it: its held events, their limit ids
     * (which applying them looks up) and its neighbours among the holders (which unlinking it writes
     * to). Returns a number made of those reads, for the caller to keep so that they are not optimized away.
     */
    public static int readAhead(Holder user) {
        List<HeldEvent> held = user.events;
        int x = 0;
        if (held != null) {
            for (int i = 0; i < held.size(); i++) {
                LimitEvent e = held.get(i).event;
                x += e.userLimitId.hashCode() + (e.amount != null ? e.amount.signum() : 0);
            }
        }
        if (user.previous != null) {
            x += (int) user.previous.namedIn;
        }
        if (user.next != null) {
            x += (int) user.next.namedIn;
        }
        return x;
    }

    /** Events held now. */
    public long size() {
        return size;
    }

    /** a + b, or {@link Long#MAX_VALUE} beyond it: a bound of {@link Long#MAX_VALUE} is never reached. */
    private static long plus(long a, long b) {
        return a > 0 && b > Long.MAX_VALUE - a ? Long.MAX_VALUE : a + b;
    }
}
