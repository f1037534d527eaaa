package com.rglimits.ordering;

import com.rglimits.event.LimitEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ordering buffer of one task: every held event, per user, in memory. It finds the users that
 * have a due event without visiting the others: events that arrived ahead of the watermark wait in
 * a queue by createdAt, events whose arrival hold is not over yet (see {@link EventOrdering}) in a
 * queue by its end. Which of a user's events are released is {@link EventOrdering}'s decision.
 *
 * <p>It remembers which users' held events changed, so that only those are written to keyed state
 * when a checkpoint is taken.
 */
public final class HoldingArea {
    private final long maxHoldMs;
    private final Map<String, List<HeldEvent>> byUser = new HashMap<>();
    /** By createdAt. */
    private final LongKeyHeap<HeldEvent> aheadOfWatermark = new LongKeyHeap<>();
    /** By notBefore. */
    private final LongKeyHeap<HeldEvent> inArrivalHold = new LongKeyHeap<>();
    private final Set<String> changed = new HashSet<>();
    private long size;

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
        byUser.computeIfAbsent(h.event.userId, u -> new ArrayList<>(2)).add(h);
        changed.add(h.event.userId);
        size++;
    }

    /** The users with at least one due event, each once, in the order found. */
    public Set<String> dueUsers(long watermark, long now, long stillSince) {
        Set<String> due = new LinkedHashSet<>();
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
                due.add(h.event.userId);
            } else {
                inArrivalHold.add(h.notBefore, h);
            }
        }
        while (!inArrivalHold.isEmpty() && inArrivalHold.peekKey() <= now) {
            HeldEvent h = inArrivalHold.poll();
            if (!h.released) {
                due.add(h.event.userId);
            }
        }
        if (now >= stillSince + maxHoldMs) {
            // The watermark has stood still for the bound: a quiet stream. Few events are held then.
            for (Map.Entry<String, List<HeldEvent>> user : byUser.entrySet()) {
                for (HeldEvent h : user.getValue()) {
                    if (now >= EventOrdering.holdDeadline(h, maxHoldMs, stillSince)) {
                        due.add(user.getKey());
                        break;
                    }
                }
            }
        }
        return due;
    }

    /** Takes the user's due events out of the buffer, in apply order. */
    public List<LimitEvent> release(String userId, long watermark, long now, long stillSince) {
        List<HeldEvent> held = byUser.get(userId);
        if (held == null) {
            return List.of();
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
            byUser.put(userId, r.kept());
        }
        changed.add(userId);
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
        List<HeldEvent> held = byUser.get(userId);
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
    public List<LimitEvent> heldOf(String userId) {
        List<HeldEvent> held = byUser.get(userId);
        if (held == null) {
            return List.of();
        }
        List<LimitEvent> events = new ArrayList<>(held.size());
        held.forEach(h -> events.add(h.event));
        return events;
    }

    /** The users whose held events changed since the last call. */
    public Set<String> takeChanged() {
        Set<String> out = new HashSet<>(changed);
        changed.clear();
        return out;
    }

    /** Events held now. */
    public long size() {
        return size;
    }
}
