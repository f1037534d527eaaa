package com.rglimits.ordering;

import com.rglimits.event.LimitEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ordering buffer of one task: every held event, per user, in memory. It finds the users that
 * have a due event without visiting the others: events that arrived ahead of the watermark wait in
 * a queue by createdAt, events whose arrival hold is not over yet (see {@link EventOrdering}) in a
 * queue by its end. Which of a user's events are released is {@link EventOrdering}'s decision.
 *
 * <p>It remembers which users' held events changed, so that only those are written to keyed state
 * when a checkpoint is taken. It does not remember users whose held events were all released: the
 * operator knows which users have held events in keyed state, and asks {@link #holds} of those.
 */
public final class HoldingArea {
    private final long maxHoldMs;
    private final Map<String, UserHeld> byUser = new HashMap<>();
    /** By createdAt. */
    private final LongKeyHeap<HeldEvent> aheadOfWatermark = new LongKeyHeap<>();
    /** By notBefore. */
    private final LongKeyHeap<HeldEvent> inArrivalHold = new LongKeyHeap<>();
    private long size;

    /** One user's held events, in arrival order, and whether they changed since the last {@link #takeChanged}. */
    private static final class UserHeld {
        List<HeldEvent> events = new ArrayList<>(2);
        boolean changed = true;
        /** The last {@link #dueUsers} call that named this user: each is named once per call. */
        long namedIn;
    }

    private long dueCalls;

    public HoldingArea(long maxHoldMs) {
        this.maxHoldMs = maxHoldMs;
    }

    /**
     * Holds an event that arrived now (see {@link EventOrdering#arriving}).
     *
     * @return true when it is due at once: it arrived behind the watermark and has no arrival hold
     */
    public boolean hold(HeldEvent h, long watermark) {
        add(h);
        if (h.event.createdAt > watermark) {
            aheadOfWatermark.add(h.event.createdAt, h);
            return false;
        }
        if (h.notBefore > h.arrivedAt) {
            inArrivalHold.add(h.notBefore, h);
            return false;
        }
        return true;
    }

    /** Holds an event restored from a checkpoint: the watermark starts over after a restart. */
    public void restore(LimitEvent e, long restartedAt) {
        HeldEvent h = EventOrdering.restored(e, restartedAt);
        add(h);
        aheadOfWatermark.add(h.event.createdAt, h);
    }

    private void add(HeldEvent h) {
        UserHeld user = byUser.computeIfAbsent(h.event.userId, u -> new UserHeld());
        user.events.add(h);
        user.changed = true;
        size++;
    }

    /** The users with at least one due event, each once, in the order found. */
    public List<String> dueUsers(long watermark, long now, long stillSince) {
        List<String> due = new ArrayList<>();
        long call = ++dueCalls;
        if (watermark == Long.MAX_VALUE) {
            due.addAll(byUser.keySet());
            return due;
        }
        while (!aheadOfWatermark.isEmpty() && aheadOfWatermark.peekKey() <= watermark) {
            HeldEvent h = aheadOfWatermark.poll();
            if (h.released) {
                continue;
            }
            if (now >= h.notBefore) {
                name(h.event.userId, call, due);
            } else {
                inArrivalHold.add(h.notBefore, h);
            }
        }
        while (!inArrivalHold.isEmpty() && inArrivalHold.peekKey() <= now) {
            HeldEvent h = inArrivalHold.poll();
            if (!h.released) {
                name(h.event.userId, call, due);
            }
        }
        if (now >= stillSince + maxHoldMs) {
            // The watermark has stood still for the bound: a quiet stream. Few events are held then.
            for (Map.Entry<String, UserHeld> user : byUser.entrySet()) {
                for (HeldEvent h : user.getValue().events) {
                    if (now >= EventOrdering.holdDeadline(h, maxHoldMs, stillSince)) {
                        name(user.getKey(), call, due);
                        break;
                    }
                }
            }
        }
        return due;
    }

    private void name(String userId, long call, List<String> due) {
        UserHeld user = byUser.get(userId);
        if (user.namedIn != call) {
            user.namedIn = call;
            due.add(userId);
        }
    }

    /** Takes the user's due events out of the buffer, in apply order. */
    public List<LimitEvent> release(String userId, long watermark, long now, long stillSince) {
        UserHeld user = byUser.get(userId);
        if (user == null) {
            return List.of();
        }
        List<HeldEvent> held = user.events;
        if (held.size() == 1) {
            // Most users hold one event at a time: no lists to build, nothing to sort.
            HeldEvent h = held.get(0);
            if (!EventOrdering.isDue(h, watermark, now, maxHoldMs, stillSince)) {
                return List.of();
            }
            h.released = true;
            byUser.remove(userId);
            size--;
            return List.of(h.event);
        }
        Release r = EventOrdering.release(held, watermark, now, maxHoldMs, stillSince);
        if (r.due().isEmpty()) {
            return r.due();
        }
        for (HeldEvent h : held) {
            h.released = true;
        }
        for (HeldEvent h : r.kept()) {
            h.released = false;
        }
        if (r.kept().isEmpty()) {
            byUser.remove(userId);
        } else {
            user.events = r.kept();
            user.changed = true;
        }
        size -= r.due().size();
        return r.due();
    }

    /**
     * The earliest processing time at which an event can become due without the watermark moving,
     * or {@link Long#MAX_VALUE}. While the watermark has stood still for the bound, that is now:
     * the bound is checked at every wake-up then.
     */
    public long nextWakeUp(long now, long stillSince) {
        while (!inArrivalHold.isEmpty() && inArrivalHold.peek().released) {
            inArrivalHold.poll();
        }
        long next = inArrivalHold.isEmpty() ? Long.MAX_VALUE : inArrivalHold.peekKey();
        if (!byUser.isEmpty()) {
            next = Math.min(next, Math.max(now, stillSince + maxHoldMs));
        }
        return next;
    }

    /** Whether an event of the user with this eventId is held now. */
    public boolean isHeld(String userId, String eventId) {
        UserHeld user = byUser.get(userId);
        if (user != null) {
            List<HeldEvent> held = user.events;
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
    public List<LimitEvent> heldOf(String userId) {
        UserHeld user = byUser.get(userId);
        if (user == null) {
            return List.of();
        }
        List<LimitEvent> events = new ArrayList<>(user.events.size());
        user.events.forEach(h -> events.add(h.event));
        return events;
    }

    /** Whether the user holds any event now. */
    public boolean holds(String userId) {
        return byUser.containsKey(userId);
    }

    /** The users that hold events now whose held events changed since the last call. */
    public List<String> takeChanged() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, UserHeld> user : byUser.entrySet()) {
            if (user.getValue().changed) {
                user.getValue().changed = false;
                out.add(user.getKey());
            }
        }
        return out;
    }

    /** Events held now. */
    public long size() {
        return size;
    }
}
